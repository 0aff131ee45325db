using AksRunCommand.Http;
using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace AksRunCommand.Tests.Http;

// A token goes to the configured endpoint's exact origin and nowhere else: not another host, port or scheme.
public sealed class ArmAccessTokenProviderTests
{
    private readonly ManualClock _clock = new();

    [Theory]
    [InlineData("https://management.azure.com/subscriptions/x")]
    [InlineData("https://MANAGEMENT.azure.com/subscriptions/x")]
    public async Task GetAuthorizationTokenAsync_TheConfiguredOrigin_GetsAToken(string uri)
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "https://management.azure.com");

        var token = await sut.GetAuthorizationTokenAsync(new Uri(uri));

        Assert.StartsWith(SentinelCredential.ArmToken, token, StringComparison.Ordinal);
        Assert.Equal("https://management.azure.com/.default", Assert.Single(Assert.Single(credential.Requests).Scopes));
    }

    [Theory]
    [InlineData("https://evil.example/subscriptions/x")]
    [InlineData("https://management.azure.com.evil.example/subscriptions/x")]
    [InlineData("https://management.azure.com:8443/subscriptions/x")]
    [InlineData("http://management.azure.com/subscriptions/x")]
    public async Task GetAuthorizationTokenAsync_AnotherOrigin_GetsNothingAndTheCredentialIsNotAsked(string uri)
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "https://management.azure.com");

        var token = await sut.GetAuthorizationTokenAsync(new Uri(uri));

        Assert.Equal(string.Empty, token);
        Assert.Equal(0, credential.Calls);
    }

    [Fact]
    public async Task GetAuthorizationTokenAsync_LoopbackEndpointOnAnotherPort_GetsNothing()
    {
        var credential = new CountingCredential(_clock);
        var sut = CreateSut(credential, "http://127.0.0.1:5000");

        Assert.Equal(string.Empty, await sut.GetAuthorizationTokenAsync(new Uri("http://127.0.0.1:5001/x")));
        Assert.NotEqual(string.Empty, await sut.GetAuthorizationTokenAsync(new Uri("http://127.0.0.1:5000/x")));
    }

    private ArmAccessTokenProvider CreateSut(CountingCredential credential, string endpoint) =>
        new(new TokenCache(credential, _clock, NullLogger.Instance), new Uri(endpoint));
}
