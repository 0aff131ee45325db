using AksRunCommand.Http;
using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Kiota.Abstractions;

namespace AksRunCommand.Tests.Http;

// A token goes to the configured endpoint's exact origin and nowhere else: not another host, port or scheme. The
// header value is made once per token; a claims challenge replaces it with a fresh token that carries the claims.
public sealed class ArmBearerAuthenticationTests
{
    private readonly ManualClock _clock = new();

    [Theory]
    [InlineData("https://management.azure.com/subscriptions/x")]
    [InlineData("https://MANAGEMENT.azure.com/subscriptions/x")]
    public async Task AuthenticateRequestAsync_TheConfiguredOrigin_GetsABearerToken(string uri)
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "https://management.azure.com");
        var request = Request(uri);

        await sut.AuthenticateRequestAsync(request);

        var header = Assert.Single(request.Headers["Authorization"]);
        Assert.StartsWith("Bearer " + SentinelCredential.ArmToken, header, StringComparison.Ordinal);
        Assert.Equal("https://management.azure.com/.default", Assert.Single(Assert.Single(credential.Requests).Scopes));
    }

    [Theory]
    [InlineData("https://evil.example/subscriptions/x")]
    [InlineData("https://management.azure.com.evil.example/subscriptions/x")]
    [InlineData("https://management.azure.com:8443/subscriptions/x")]
    [InlineData("http://management.azure.com/subscriptions/x")]
    public async Task AuthenticateRequestAsync_AnotherOrigin_GetsNothingAndTheCredentialIsNotAsked(string uri)
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "https://management.azure.com");
        var request = Request(uri);

        await sut.AuthenticateRequestAsync(request);

        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal(0, credential.Calls);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_LoopbackEndpointOnAnotherPort_GetsNothing()
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "http://127.0.0.1:5000");
        var other = Request("http://127.0.0.1:5001/x");
        var same = Request("http://127.0.0.1:5000/x");

        await sut.AuthenticateRequestAsync(other);
        await sut.AuthenticateRequestAsync(same);

        Assert.False(other.Headers.ContainsKey("Authorization"));
        Assert.True(same.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_ManyRequests_OneTokenCallAndOneHeaderString()
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "https://management.azure.com");
        var requests = Enumerable.Range(0, 5).Select(_ => Request("https://management.azure.com/x")).ToList();

        foreach (var request in requests)
        {
            await sut.AuthenticateRequestAsync(request);
        }

        Assert.Equal(1, credential.Calls);
        var first = requests[0].Headers["Authorization"].Single();
        Assert.All(requests, r => Assert.Same(first, r.Headers["Authorization"].Single()));
    }

    [Fact]
    public async Task AuthenticateRequestAsync_AHeaderAlreadySet_IsKept()
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "https://management.azure.com");
        var request = Request("https://management.azure.com/x");
        request.Headers.Add("Authorization", "Bearer caller-set");

        await sut.AuthenticateRequestAsync(request);

        Assert.Equal("Bearer caller-set", Assert.Single(request.Headers["Authorization"]));
        Assert.Equal(0, credential.Calls);
    }

    [Fact]
    public async Task AuthenticateRequestAsync_AClaimsChallenge_ReplacesTheHeaderWithAFreshTokenCarryingTheClaims()
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "https://management.azure.com");
        var request = Request("https://management.azure.com/x");
        await sut.AuthenticateRequestAsync(request);
        var before = request.Headers["Authorization"].Single();
        var claims = Convert.ToBase64String("""{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"""u8);

        await sut.AuthenticateRequestAsync(request, new Dictionary<string, object> { ["claims"] = claims });

        Assert.Equal(2, credential.Calls);
        Assert.Contains("nbf", credential.Requests.Last().Claims, StringComparison.Ordinal);
        Assert.NotEqual(before, Assert.Single(request.Headers["Authorization"]));
    }

    private static RequestInformation Request(string uri)
    {
        var request = new RequestInformation { HttpMethod = Method.GET };
        request.URI = new Uri(uri);
        return request;
    }

    private ArmBearerAuthentication CreateSut(CountingCredential credential, string endpoint) =>
        new(new TokenCache(credential, _clock, NullLogger.Instance), new Uri(endpoint));
}
