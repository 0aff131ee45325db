using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using Azure.Identity;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Operations;

// Once the service accepted the command, every outcome carries its id and says how to resume: a server value
// that cannot be honoured, a credential failing during a long wait, a polling strategy that throws or returns
// nonsense, persistent poll faults. Cancelling the start says whether the command may have started.
public sealed class AfterAcceptTests : IDisposable
{
    private readonly FakeAksFixture _arm = new();

    public void Dispose() => _arm.Dispose();

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("-1")]
    public async Task RetryAfterThatMeansNothing_OnThe202_IsIgnoredAndTheCommandCompletes(string value)
    {
        _arm.Aks.When("ls").RunningFor(0).OnStart(FakeFault.AcceptedWithLocation(_arm.Location("{id}")).WithHeader("Retry-After", value));
        var client = _arm.CreateClient();

        var operation = await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.True(operation.Value.IsSuccess);
        Assert.Equal([TimeSpan.FromSeconds(1)], _arm.Clock.Advanced); // the schedule's first delay; the value was ignored
        Assert.Contains(_arm.Logs.Lines, l => l.Message.Contains($"Ignored Retry-After '{value}'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RetryAfterOfYears_OnThe202_IsClampedToTenMinutes()
    {
        _arm.Aks.When("ls").RunningFor(0).OnStart(FakeFault.AcceptedWithLocation(_arm.Location("{id}")).WithHeader("Retry-After", "99999999"));
        var client = _arm.CreateClient();

        var operation = await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.True(operation.Value.IsSuccess);
        Assert.Equal([TimeSpan.FromMinutes(10)], _arm.Clock.Advanced);
    }

    public static TheoryData<string> BrokenStrategies => new() { "throws", "negative", "huge" };

    [Theory]
    [MemberData(nameof(BrokenStrategies))]
    public async Task PollingStrategyThatBreaks_EndsTheWaitWithTheCommandIdAndHowToResume(string broken)
    {
        _arm.Aks.When("ls").RunningFor(3);
        var client = _arm.CreateClient(o => o.Polling = new BrokenStrategy(broken));
        var operation = await client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls"));

        var error = await Assert.ThrowsAsync<AksRunCommandException>(() => _arm.Clock.RunAsync(operation.WaitForCompletionAsync()));

        Assert.Equal(operation.Id, error.CommandId);
        Assert.Contains("BrokenStrategy", error.Message, StringComparison.Ordinal);
        Assert.Contains($"GetRunCommandOperation(cluster, \"{operation.Id}\")", error.Message, StringComparison.Ordinal);
        Assert.Single(_arm.Aks.Runs);
    }

    [Fact]
    public async Task PollingStrategyThatBreaksOnTheFirstDelay_StillCarriesTheIdOfTheAcceptedCommand()
    {
        var client = _arm.CreateClient(o => o.Polling = new BrokenStrategy("throws", fromPoll: 0));

        var error = await Assert.ThrowsAsync<AksRunCommandException>(() => client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.Equal(Assert.Single(_arm.Aks.Runs).CommandId, error.CommandId);
    }

    [Fact]
    public async Task CredentialThatFailsWhenTheTokenExpiresMidWait_EndsTheWaitWithTheCommandId()
    {
        var credential = new CountingCredential(_arm.Clock) { Lifetime = TimeSpan.FromMinutes(2) };
        using var arm = new FakeAksFixture(o => o.ExpectedBearerToken = null);
        var client = new AksRunCommandClient(credential, new AksRunCommandClientOptions { Endpoint = arm.Endpoint, TimeProvider = arm.Clock, Transport = arm.Clock.HoldDuringRequests() });
        var operation = await client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("sleep 600"));
        credential.Failure = new CredentialUnavailableException("az login has expired");

        var error = await Assert.ThrowsAsync<AksRunCommandException>(() => arm.Clock.RunAsync(operation.WaitForCompletionAsync()));

        Assert.Equal(operation.Id, error.CommandId);
        Assert.IsType<CredentialUnavailableException>(error.InnerException);
        Assert.Contains("az login has expired", error.Message, StringComparison.Ordinal);
        Assert.Contains("keeps running on the cluster", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelWhileThePostIsOnTheNetwork_SaysTheCommandMayHaveStarted()
    {
        using var cancel = new CancellationTokenSource();
        using var transport = new CancelOnSend(cancel, new SocketsHttpHandler());
        var client = _arm.CreateClient(o => o.Transport = _arm.Clock.HoldDuringRequests(transport));

        var error = await Assert.ThrowsAsync<RunCommandStartCanceledException>(() => client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls"), cancel.Token));

        Assert.True(error.CommandMayHaveStarted);
        Assert.Contains("may or may not have started", error.Message, StringComparison.Ordinal);
        Assert.Single(_arm.Aks.Runs);
    }

    [Fact]
    public async Task CancelWhileWaitingOutAThrottle_SaysTheCommandWasNotStarted()
    {
        _arm.Aks.When("ls").OnStart(FakeFault.Throttled(TimeSpan.FromSeconds(30)));
        var client = _arm.CreateClient();
        using var cancel = new CancellationTokenSource();

        var start = client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls"), cancel.Token);
        await _arm.Clock.NextTimerAsync(); // the 429 arrived; the client waits out its Retry-After
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RunCommandStartCanceledException>(() => start);

        Assert.False(error.CommandMayHaveStarted);
        Assert.Contains("was not started", error.Message, StringComparison.Ordinal);
        Assert.Equal([429], _arm.Aks.Runs.Select(r => r.Status));
    }

    private sealed class BrokenStrategy(string how, int fromPoll = 1) : PollingStrategy
    {
        public override TimeSpan GetDelay(int pollCount, TimeSpan elapsed) => pollCount < fromPoll ? TimeSpan.FromSeconds(1) : how switch
        {
            "throws" => throw new InvalidOperationException("the strategy's own bug"),
            "negative" => TimeSpan.FromSeconds(-1),
            _ => TimeSpan.FromDays(365),
        };
    }

    // The caller cancels just as the request goes out: the service still gets it.
    private sealed class CancelOnSend(CancellationTokenSource cancel, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, CancellationToken.None);
            await cancel.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return response;
        }
    }
}
