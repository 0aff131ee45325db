using System.Globalization;
using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Tests.Shared;
using AksRunCommand.Testing;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Operations;

// The poll: on the configured host, on the schedule, Retry-After as a floor, faults retried, no hidden timeout.
public sealed class RunCommandOperationTests : IDisposable
{
    private readonly FakeAksFixture _arm = new();
    private readonly ManualClock _clock;
    private readonly SentinelCredential _credential;

    public RunCommandOperationTests()
    {
        _clock = _arm.Clock;
        _credential = _arm.Credential;
    }

    private static ClusterId Cluster => FakeAksFixture.Cluster;

    private FakeAks Aks => _arm.Aks;

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task WaitForCompletionAsync_RunningThenSucceeded_ReturnsResultAfterScheduledPolls()
    {
        Aks.When("kubectl apply -f ns.yaml").RunningFor(2).ExitsWith(0, "namespace dummy created");
        var sut = _arm.CreateClient();

        var operation = await sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("kubectl apply -f ns.yaml"));
        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(operation.HasCompleted);
        Assert.Same(result, operation.Value);
        Assert.Equal(operation.Id, result.CommandId);
        Assert.True(result.HasRun);
        Assert.True(result.IsSuccess);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("namespace dummy created", result.Logs);
        Assert.Equal(TimeSpan.FromSeconds(3), result.Duration); // the fake's startedAt and finishedAt, 3 polls of 1 s apart
        Assert.Equal(3, Aks.Polls.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], _clock.Advanced);
        Assert.All(Aks.Runs, r => Assert.Equal(AksRunCommandClientOptions.DefaultApiVersion, r.ApiVersion));
        Assert.All(Aks.Polls, r => Assert.Equal(AksRunCommandClientOptions.DefaultApiVersion, r.ApiVersion));
        Assert.All(Aks.Polls, r => Assert.Equal(FakeAksFixture.ClusterPath + "/commandResults/" + operation.Id, r.Path));
    }

    [Fact]
    public async Task WaitUntilCompleted_ReturnsCompletedOperation()
    {
        Aks.When("ls").RunningFor(0);
        var sut = _arm.CreateClient();

        var operation = await _clock.RunAsync(sut.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("ls")));

        Assert.True(operation.HasCompleted);
        Assert.Equal("Succeeded", operation.Value.ProvisioningState);
    }

    [Theory]
    [InlineData("Running")]
    [InlineData("running")]
    [InlineData("Pending")]
    [InlineData("SomethingNew")]
    public async Task WaitForCompletionAsync_AnyStateWhile202_KeepsPolling(string state)
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0).OnPoll(FakeFault.Running(state));
        var progress = new List<RunCommandProgress>();
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync(new RunCommandWaitOptions { Progress = new SyncProgress(progress) }));

        Assert.Equal("Succeeded", result.ProvisioningState);
        Assert.Equal(2, Aks.Polls.Count);
        Assert.Equal(state, progress[0].State);
        Assert.False(progress[0].HasCompleted);
        Assert.Equal(TimeSpan.FromSeconds(1), progress[0].NextDelay);
        Assert.True(progress[1].HasCompleted);
    }

    [Theory]
    [InlineData("Succeeded", true)]
    [InlineData("succeeded", true)]
    [InlineData("failed", false)]
    [InlineData("Failed", false)]
    public async Task WaitForCompletionAsync_TerminalStateAnyCasing_Completes(string state, bool hasRun)
    {
        var script = Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0);
        script = hasRun ? script.ExitsWith(0) : script.Fails("ImagePullBackoff");
        if (state.StartsWith(char.ToLowerInvariant(state[0])))
        {
            script.WithLowercaseStates();
        }

        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.Equal(state, result.ProvisioningState);
        Assert.Equal(hasRun, result.HasRun);
        Assert.Equal(hasRun ? null : "ImagePullBackoff", result.Reason);
    }

    [Fact]
    public async Task EnsureSuccess_FailedProvisioning_ThrowsWithReason()
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0).Fails("ImagePullBackoff");
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);
        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        var error = Assert.Throws<CommandFailedException>(() => result.EnsureSuccess());

        Assert.Same(result, error.Result);
        Assert.Contains("ImagePullBackoff", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureSuccess_NonZeroExitCode_ThrowsWithExitCode()
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0).ExitsWith(3, "boom");
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);
        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(result.HasRun);
        Assert.False(result.IsSuccess);
        var error = Assert.Throws<CommandFailedException>(() => result.EnsureSuccess());
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, double> RetryAfterForms => new()
    {
        { "Retry-After", "4", 4 },
        { "retry-after-ms", "2500", 2.5 },
        { "x-ms-retry-after-ms", "3500", 3.5 },
        { "Retry-After", "DATE+6", 6 },
    };

    [Theory]
    [MemberData(nameof(RetryAfterForms))]
    public async Task WaitForCompletionAsync_RetryAfterOnRunning_IsAFloorOnTheSchedule(string header, string value, double seconds)
    {
        if (value == "DATE+6")
        {
            value = _clock.GetUtcNow().AddSeconds(6).ToString("r", CultureInfo.InvariantCulture);
        }

        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0).OnPoll(FakeFault.Running().WithHeader(header, value));
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.Equal([TimeSpan.FromSeconds(seconds)], _clock.Advanced);
        Assert.Equal(2, Aks.Polls.Count);
    }

    [Fact]
    public async Task WaitForCompletionAsync_RetryAfterBelowSchedule_KeepsTheSchedule()
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0).OnPoll(FakeFault.Running().WithHeader("retry-after-ms", "200"));
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.Equal([TimeSpan.FromSeconds(1)], _clock.Advanced);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task WaitForCompletionAsync_TransientPollFault_RetriesAndCompletes(int status)
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0).OnPoll(FakeFault.ArmError(status, "Transient", "try again").WithHeader("Retry-After", "2"));
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(result.IsSuccess);
        Assert.Equal(2, Aks.Polls.Count);
        Assert.InRange(Assert.Single(_clock.Advanced), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.2)); // the Retry-After, plus at most 10 % jitter
    }

    [Fact]
    public async Task WaitForCompletionAsync_ConnectionResetOnPoll_RetriesWithBackoff()
    {
        using var raw = new RawHttpServer().ThenReset().ThenReply(200, """{"id":"x","properties":{"provisioningState":"Succeeded","exitCode":0,"logs":"after reset"}}""");
        var client = new AksRunCommandClient(_credential, new AksRunCommandClientOptions { Endpoint = raw.Url, TimeProvider = _clock, Transport = _clock.HoldDuringRequests() });

        var result = await _clock.RunAsync(client.GetRunCommandOperation(Cluster, FakeAksFixture.CommandId).WaitForCompletionAsync());

        Assert.Equal("after reset", result.Logs);
        Assert.Equal(2, raw.Requests);
        Assert.InRange(Assert.Single(_clock.Advanced), TimeSpan.Zero, TimeSpan.FromSeconds(1.4)); // Polly's first jittered backoff around the 1 s median
    }

    // WireMock's EMPTY_RESPONSE sends a 200 with no body; MALFORMED_RESPONSE_CHUNK a body of random bytes.
    [Theory]
    [InlineData("empty")]
    [InlineData("chunk")]
    public async Task WaitForCompletionAsync_UnusablePollBody_RetriesWithBackoff(string fault)
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0).OnPoll(fault == "empty" ? FakeFault.EmptyResponse : FakeFault.MalformedChunk);
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(result.IsSuccess);
        Assert.Equal(2, Aks.Polls.Count);
        Assert.InRange(Assert.Single(_clock.Advanced), TimeSpan.Zero, TimeSpan.FromSeconds(1.4)); // Polly's first jittered backoff around the 1 s median
    }

    [Fact]
    public async Task WaitForCompletionAsync_MalformedJson_RetriesThenCompletes()
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(0).OnPoll(FakeFault.MalformedJsonBody);
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(result.IsSuccess);
        Assert.Equal(2, Aks.Polls.Count);
    }

    [Fact]
    public async Task WaitForCompletionAsync_PersistentFault_ThrowsAfterRetryBudgetWithBackoff()
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).OnPoll(FakeFault.ServerError(503), times: 100);
        var operation = _arm.CreateClient(o => o.Retry.MaxRetries = 3).GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var wait = operation.WaitForCompletionAsync();
        await _clock.DriveAsync(wait);
        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => wait);

        Assert.Equal(503, error.Status);
        Assert.Equal(4, Aks.Polls.Count);
        Assert.Equal(3, _clock.Advanced.Count); // a backoff before each of the 3 retries
        Assert.True(_clock.Advanced[2] > _clock.Advanced[0], $"backoff grows despite jitter: {string.Join(", ", _clock.Advanced)}");
    }

    [Fact]
    public async Task WaitForCompletionAsync_UnknownCommandId_Throws404NamingTheId()
    {
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, "feedbeef");

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => _clock.RunAsync(operation.WaitForCompletionAsync()));

        Assert.Equal(404, error.Status);
        Assert.Equal("feedbeef", error.CommandId);
        Assert.Contains("Command id feedbeef is unknown or has expired", error.Message, StringComparison.Ordinal);
        Assert.Single(Aks.Polls);
    }

    [Fact]
    public async Task WaitForCompletionAsync_LocationOnForeignHost_PollsTheConfiguredEndpoint()
    {
        using var foreign = FakeAks.Start();
        Aks.When("ls").RunningFor(0).OnStart(FakeFault.LocationOnHost(foreign.Endpoint));
        var sut = _arm.CreateClient();

        var operation = await _clock.RunAsync(sut.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("ls")));

        Assert.True(operation.Value.IsSuccess);
        Assert.Empty(foreign.Runs);
        Assert.Empty(foreign.Polls);
        Assert.Single(Aks.Polls);
    }

    [Theory]
    [InlineData("/subscriptions/s/resourcegroups/rg1/providers/microsoft.containerservice/managedclusters/c/commandresults/abc123?api-version=2024-02-01", "abc123")]
    [InlineData("/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg1/providers/Microsoft.ContainerService/managedClusters/c/COMMANDRESULTS/ABC123", "ABC123")]
    public async Task RunCommandAsync_LocationInAnyCasing_GivesTheCommandId(string path, string id)
    {
        Aks.When("ls").OnStart(FakeFault.AcceptedWithLocation(_arm.Endpoint.GetLeftPart(UriPartial.Authority) + path));
        var sut = _arm.CreateClient();

        var operation = await sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls"));

        Assert.Equal(id, operation.Id);
    }

    [Fact]
    public async Task WaitForCompletionAsync_Cancelled_ThrowsWithCommandIdAndStopsPolling()
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(int.MaxValue);
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);
        using var cancellation = new CancellationTokenSource();

        var wait = operation.WaitForCompletionAsync(cancellation.Token);
        await _clock.NextTimerAsync(); // the first poll answered Running; the loop now waits
        await cancellation.CancelAsync();
        var error = await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => wait);

        Assert.Equal(FakeAksFixture.CommandId, error.CommandId);
        Assert.False(error.MaxWaitElapsed);
        Assert.Contains("keeps running on the cluster", error.Message, StringComparison.Ordinal);
        Assert.Contains(FakeAksFixture.CommandId, error.Message, StringComparison.Ordinal);
        var polls = Aks.Polls.Count;
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(polls, Aks.Polls.Count); // nobody waits, nothing polls
    }

    [Fact]
    public async Task WaitForCompletionAsync_MaxWaitElapsed_ThrowsWithCommandIdAfterThePollsBeforeIt()
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(int.MaxValue);
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var wait = operation.WaitForCompletionAsync(new RunCommandWaitOptions { MaxWait = TimeSpan.FromSeconds(10) });
        await _clock.DriveAsync(wait);
        var error = await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => wait);

        Assert.True(error.MaxWaitElapsed);
        Assert.Equal(FakeAksFixture.CommandId, error.CommandId);
        Assert.Contains("maximum wait elapsed", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(10), _clock.Elapsed);
        Assert.All(_clock.Advanced, step => Assert.Equal(TimeSpan.FromSeconds(1), step)); // the 1 s polls, never one jump to the deadline
        Assert.Equal(10, Aks.Polls.Count); // at 0, 1, ..., 9 s; at 10 s the wait ends before the poll that falls due
    }

    [Fact]
    public async Task GetRunCommandOperation_NewClient_ResumesAndPollsAtOnce()
    {
        Aks.When("ls").RunningFor(1).ExitsWith(0, "resumed");
        var first = await _arm.CreateClient().RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls"));

        var resumed = _arm.CreateClient(o => o.TimeProvider = new ManualClock()).GetRunCommandOperation(ClusterId.Parse(first.Cluster.ResourceId), first.Id);
        var progress = await resumed.UpdateStatusAsync();
        var result = await resumed.UpdateStatusAsync();

        Assert.False(progress.HasCompleted);
        Assert.True(result.HasCompleted);
        Assert.Equal("resumed", resumed.Value.Logs);
        Assert.Single(Aks.Runs);
    }

    [Fact]
    public async Task WaitForCompletionAsync_TwoWaiters_ShareOnePollLoop()
    {
        Aks.AddCommand(Cluster, FakeAksFixture.CommandId).RunningFor(2);
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var first = operation.WaitForCompletionAsync();
        var second = operation.WaitForCompletionAsync();
        await _clock.DriveAsync(Task.WhenAll(first, second));

        Assert.Same(await first, await second);
        Assert.Equal(3, Aks.Polls.Count);
    }

    [Fact]
    public void Value_BeforeCompletion_ThrowsInvalidOperation()
    {
        var operation = _arm.CreateClient().GetRunCommandOperation(Cluster, FakeAksFixture.CommandId);

        var error = Assert.Throws<InvalidOperationException>(() => operation.Value);

        Assert.Contains("has not completed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a?b")]
    public void GetRunCommandOperation_BadCommandId_ThrowsNamingIt(string id)
    {
        var error = Assert.Throws<ArgumentException>(() => _arm.CreateClient().GetRunCommandOperation(Cluster, id));

        Assert.Equal("commandId", error.ParamName);
    }

    [Fact]
    public async Task Secrets_NeverAppearInLogsOrExceptions()
    {
        using var arm = new FakeAksFixture(o => o.RequireClusterToken = true);
        arm.Aks.When("ls")
            .OnPoll(FakeFault.ServerError(503).WithHeader("Retry-After", "1"))
            .OnPoll(FakeFault.Running())
            .OnPoll(FakeFault.ArmError(404, "NotFound", "gone"));
        var sut = arm.CreateClient();

        var operation = await arm.Clock.RunAsync(sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));
        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => arm.Clock.RunAsync(operation.WaitForCompletionAsync()));

        Assert.Equal([(400, false), (202, true)], arm.Aks.Runs.Select(r => (r.Status, r.ClusterTokenPresent)));
        Assert.Contains("6dae42f8-4368-4678-94ff-3960e28e3630/.default", arm.Credential.Scopes);
        Assert.All(arm.Aks.Runs, r => Assert.NotEqual(401, r.Status)); // the fake insists on exactly the sentinel ARM token
        Assert.All(arm.Aks.Polls, r => Assert.NotEqual(401, r.Status));
        var texts = arm.Logs.Lines.Select(l => l.Message).Append(error.ToString()).Append(operation.ToString()).ToList();
        Assert.Contains(arm.Logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Information && l.Message.Contains(operation.Id, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("SENTINEL", t, StringComparison.Ordinal));
    }

    private sealed class SyncProgress(List<RunCommandProgress> seen) : IProgress<RunCommandProgress>
    {
        public void Report(RunCommandProgress value)
        {
            lock (seen)
            {
                seen.Add(value);
            }
        }
    }
}
