using System.Text;
using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Http;

// Tokens are cached per scope and shared by the client's operations: one 60 s command asks once, a token that
// nears its expiry is refreshed once, a hundred concurrent operations ask once, a claims challenge asks again.
public sealed class TokenCacheTests : IDisposable
{
    private readonly FakeAksFixture _arm = new(o => o.ExpectedBearerToken = null);

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task A60SecondCommand_AsksTheCredentialOnce()
    {
        var credential = new CountingCredential(_arm.Clock);
        var client = CreateClient(credential);

        var operation = await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("sleep 60")));

        Assert.True(operation.Value.IsSuccess);
        Assert.True(_arm.Aks.Polls.Count >= 30, $"{_arm.Aks.Polls.Count} polls; advanced {string.Join(", ", _arm.Clock.Advanced)}");
        Assert.Equal(1, credential.Calls);
    }

    [Fact]
    public async Task ATokenNearingExpiry_IsRefreshedOnceAheadOfTime()
    {
        var credential = new CountingCredential(_arm.Clock) { Lifetime = TimeSpan.FromMinutes(10) };
        var client = CreateClient(credential);

        // 8 minutes: the token's refresh time, 5 minutes before its expiry, falls inside.
        var operation = await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("sleep 480")));

        Assert.True(operation.Value.IsSuccess);
        Assert.Equal(2, credential.Calls);
        Assert.All(_arm.Aks.Polls, p => Assert.True(p.AuthorizationPresent));
    }

    [Fact]
    public async Task ATokenWithRefreshOn_IsRefreshedAtItsRefreshOn_NotFiveMinutesBeforeItExpires()
    {
        var credential = new CountingCredential(_arm.Clock) { RefreshIn = TimeSpan.FromMinutes(2) }; // valid for an hour
        var client = CreateClient(credential);

        var operation = await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("sleep 300")));

        Assert.True(operation.Value.IsSuccess);
        var after = SinceFirst(credential);
        Assert.Equal(3, after.Count); // the first token; at its RefreshOn; at the next one's, two minutes later
        Assert.InRange(after[1], TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(10)); // at the first request after it
        Assert.InRange(after[2] - after[1], TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AFailedBackgroundRefresh_KeepsTheTokenAndIsTriedAgain30SecondsLater()
    {
        var credential = new CountingCredential(_arm.Clock) { Lifetime = TimeSpan.FromMinutes(10), FailingCalls = new HashSet<int> { 2 } };
        var client = CreateClient(credential);

        var operation = await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("sleep 400")));

        Assert.True(operation.Value.IsSuccess);
        var after = SinceFirst(credential);
        Assert.Equal(3, after.Count); // the first token; the refresh that fails; the one that works
        Assert.InRange(after[1], TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(10)); // 5 minutes before the token expires
        Assert.InRange(after[2] - after[1], TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40)); // not at once: 30 s later
        Assert.All(_arm.Aks.Polls, p => Assert.Equal((true, false), (p.AuthorizationPresent, p.Status == 401))); // the old token served meanwhile
        Assert.Single(_arm.Logs.Lines, l => l.Message.Contains("refresh", StringComparison.OrdinalIgnoreCase) && l.Message.Contains("CredentialUnavailableException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHundredConcurrentOperations_AskTheCredentialOnce()
    {
        var credential = new CountingCredential(_arm.Clock);
        var client = CreateClient(credential);

        var operations = await _arm.Clock.RunAsync(Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent($"echo {i}"))))); // paced by the budget's slow start
        var results = await _arm.Clock.RunAsync(Task.WhenAll(operations.Select(o => o.WaitForCompletionAsync())));

        Assert.Equal(100, results.Count(r => r.IsSuccess));
        Assert.Equal(1, credential.Calls);
    }

    [Fact]
    public async Task AClaimsChallenge_GetsOneFreshTokenWithTheClaims()
    {
        const string claims = """{"access_token":{"nbf":{"essential":true,"value":"1764590400"}}}""";
        var challenge = $"Bearer realm=\"\", error=\"insufficient_claims\", claims=\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(claims))}\"";
        var credential = new CountingCredential(_arm.Clock);
        _arm.Aks.When("ls").RunningFor(0).OnPoll(FakeFault.ArmError(401, "InvalidAuthenticationToken", "claims needed").WithHeader("WWW-Authenticate", challenge));
        var client = CreateClient(credential);

        var operation = await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.True(operation.Value.IsSuccess);
        Assert.Equal(2, credential.Calls);
        Assert.Equal([null, claims], credential.Requests.Select(r => r.Claims));
        Assert.Equal([401, 200], _arm.Aks.Polls.Select(p => p.Status)); // the challenged poll, then the same poll with the new token
    }

    [Fact]
    public async Task AClusterToken_IsCachedAcrossOperationsToo()
    {
        var credential = new CountingCredential(_arm.Clock);
        var client = CreateClient(credential);

        for (var i = 0; i < 3; i++)
        {
            await client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls") { ClusterToken = ClusterTokenMode.Always });
        }

        Assert.Equal(2, credential.Calls); // one ARM token, one cluster token
        Assert.All(_arm.Aks.Runs, r => Assert.True(r.ClusterTokenPresent));
    }

    private static List<TimeSpan> SinceFirst(CountingCredential credential)
    {
        var times = credential.CallTimes.ToList();
        return times.Select(t => t - times[0]).ToList();
    }

    private AksRunCommandClient CreateClient(CountingCredential credential) =>
        new(credential, new AksRunCommandClientOptions
        {
            Endpoint = _arm.Endpoint,
            TimeProvider = _arm.Clock,
            Transport = _arm.Clock.HoldDuringRequests(),
            LoggerFactory = LoggerFactory.Create(b => b.AddProvider(_arm.Logs)),
        });
}
