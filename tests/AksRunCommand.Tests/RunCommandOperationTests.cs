using System.Globalization;
using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Testing;
using WaitUntil = Azure.WaitUntil;
using WireMock.ResponseBuilders;
using Response = WireMock.ResponseBuilders.Response;

namespace AksRunCommand.Tests;

// The poll: on the configured host, on the schedule, Retry-After as a floor, faults retried, no hidden timeout.
public sealed class RunCommandOperationTests : IDisposable
{
    private readonly ArmStub _arm = new();
    private readonly ManualClock _clock = new();
    private readonly SentinelCredential _credential = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task WaitForCompletionAsync_RunningThenSucceeded_ReturnsResultAfterScheduledPolls()
    {
        _arm.OnPost(_arm.Accepted());
        _arm.OnGet(ArmStub.Running(), ArmStub.Running(), ArmStub.Finished(exitCode: 0, logs: "namespace dummy created"));
        var sut = _arm.CreateClient(_clock, _credential);

        var operation = await sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("kubectl apply -f ns.yaml"));
        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(operation.HasCompleted);
        Assert.Same(result, operation.Value);
        Assert.Equal(ArmStub.CommandId, result.CommandId);
        Assert.True(result.HasRun);
        Assert.True(result.IsSuccess);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("namespace dummy created", result.Logs);
        Assert.Equal(TimeSpan.FromSeconds(13), result.Duration);
        Assert.Equal(3, _arm.GetCount);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], _clock.Advanced);
        Assert.All(_arm.Requests, r => Assert.Equal("2024-02-01", r.ApiVersion));
        Assert.All(_arm.Requests.Where(r => r.Method == "GET"), r => Assert.Equal(ArmStub.ClusterPath + "/commandResults/" + ArmStub.CommandId, r.Path));
    }

    [Fact]
    public async Task WaitUntilCompleted_ReturnsCompletedOperation()
    {
        _arm.OnPost(_arm.Accepted());
        _arm.OnGet(ArmStub.Finished());
        var sut = _arm.CreateClient(_clock, _credential);

        var operation = await _clock.RunAsync(sut.RunCommandAsync(WaitUntil.Completed, ArmStub.Cluster, new RunCommandContent("ls")));

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
        _arm.OnGet(ArmStub.Running(state), ArmStub.Finished());
        var progress = new List<RunCommandProgress>();
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync(new RunCommandWaitOptions { Progress = new SyncProgress(progress) }));

        Assert.Equal("Succeeded", result.ProvisioningState);
        Assert.Equal(2, _arm.GetCount);
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
        _arm.OnGet(hasRun ? ArmStub.Finished(state, exitCode: 0) : ArmStub.Finished(state, exitCode: null, logs: "", reason: "ImagePullBackoff"));
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.Equal(state, result.ProvisioningState);
        Assert.Equal(hasRun, result.HasRun);
        Assert.Equal(hasRun ? null : "ImagePullBackoff", result.Reason);
    }

    [Fact]
    public async Task EnsureSuccess_FailedProvisioning_ThrowsWithReason()
    {
        _arm.OnGet(ArmStub.Finished("Failed", exitCode: null, logs: "", reason: "ImagePullBackoff"));
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);
        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        var error = Assert.Throws<CommandFailedException>(() => result.EnsureSuccess());

        Assert.Same(result, error.Result);
        Assert.Contains("ImagePullBackoff", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureSuccess_NonZeroExitCode_ThrowsWithExitCode()
    {
        _arm.OnGet(ArmStub.Finished("Succeeded", exitCode: 3, logs: "boom"));
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);
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

        _arm.OnGet(ArmStub.Running().WithHeader(header, value), ArmStub.Finished());
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.Equal([TimeSpan.FromSeconds(seconds)], _clock.Advanced);
        Assert.Equal(2, _arm.GetCount);
    }

    [Fact]
    public async Task WaitForCompletionAsync_RetryAfterBelowSchedule_KeepsTheSchedule()
    {
        _arm.OnGet(ArmStub.Running().WithHeader("retry-after-ms", "200"), ArmStub.Finished());
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

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
        _arm.OnGet(ArmStub.Error(status, "Transient", "try again").WithHeader("Retry-After", "2"), ArmStub.Finished());
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(result.IsSuccess);
        Assert.Equal(2, _arm.GetCount);
        Assert.Equal([TimeSpan.FromSeconds(2)], _clock.Advanced);
    }

    [Fact]
    public async Task WaitForCompletionAsync_ConnectionResetOnPoll_RetriesWithBackoff()
    {
        using var raw = new RawHttpServer().ThenReset().ThenReply(200, """{"id":"x","properties":{"provisioningState":"Succeeded","exitCode":0,"logs":"after reset"}}""");
        var client = new AksRunCommandClient(_credential, new AksRunCommandClientOptions { Endpoint = raw.Url, TimeProvider = _clock });

        var result = await _clock.RunAsync(client.GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId).WaitForCompletionAsync());

        Assert.Equal("after reset", result.Logs);
        Assert.Equal(2, raw.Requests);
        Assert.Equal([TimeSpan.FromSeconds(1)], _clock.Advanced);
    }

    // WireMock's EMPTY_RESPONSE sends a 200 with no body; MALFORMED_RESPONSE_CHUNK a body of random bytes.
    [Theory]
    [InlineData(FaultType.EMPTY_RESPONSE)]
    [InlineData(FaultType.MALFORMED_RESPONSE_CHUNK)]
    public async Task WaitForCompletionAsync_UnusablePollBody_RetriesWithBackoff(FaultType fault)
    {
        _arm.OnGet(Response.Create().WithStatusCode(200).WithBody(new string('x', 4096)).WithFault(fault), ArmStub.Finished());
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(result.IsSuccess);
        Assert.Equal(2, _arm.GetCount);
        Assert.Equal([TimeSpan.FromSeconds(1)], _clock.Advanced);
    }

    [Fact]
    public async Task WaitForCompletionAsync_MalformedJson_RetriesThenCompletes()
    {
        _arm.OnGet(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"id\": \"x\", \"properties\": {"), ArmStub.Finished());
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var result = await _clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.True(result.IsSuccess);
        Assert.Equal(2, _arm.GetCount);
    }

    [Fact]
    public async Task WaitForCompletionAsync_PersistentFault_ThrowsAfterRetryBudgetWithBackoff()
    {
        _arm.OnGet(ArmStub.Error(503, "ServiceUnavailable", "down"));
        var operation = _arm.CreateClient(_clock, _credential, o => o.Retry.MaxRetries = 3).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var wait = operation.WaitForCompletionAsync();
        await _clock.DriveAsync(wait);
        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => wait);

        Assert.Equal(503, error.Status);
        Assert.Equal(4, _arm.GetCount);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], _clock.Advanced);
    }

    [Fact]
    public async Task WaitForCompletionAsync_UnknownCommandId_Throws404NamingTheId()
    {
        _arm.OnGet("feedbeef", ArmStub.Error(404, "NotFound", "command not found"));
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, "feedbeef");

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => _clock.RunAsync(operation.WaitForCompletionAsync()));

        Assert.Equal(404, error.Status);
        Assert.Equal("feedbeef", error.CommandId);
        Assert.Contains("Command id feedbeef is unknown or has expired", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _arm.GetCount);
    }

    [Fact]
    public async Task WaitForCompletionAsync_LocationOnForeignHost_PollsTheConfiguredEndpoint()
    {
        using var foreign = new ArmStub();
        foreign.OnGet(ArmStub.Finished());
        _arm.OnPost(_arm.Accepted(_arm.Location(host: foreign.Url)));
        _arm.OnGet(ArmStub.Finished());
        var sut = _arm.CreateClient(_clock, _credential);

        var operation = await _clock.RunAsync(sut.RunCommandAsync(WaitUntil.Completed, ArmStub.Cluster, new RunCommandContent("ls")));

        Assert.True(operation.Value.IsSuccess);
        Assert.Empty(foreign.Requests);
        Assert.Equal(1, _arm.GetCount);
    }

    [Theory]
    [InlineData("/subscriptions/s/resourcegroups/rg1/providers/microsoft.containerservice/managedclusters/c/commandresults/abc123?api-version=2024-02-01", "abc123")]
    [InlineData("/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg1/providers/Microsoft.ContainerService/managedClusters/c/COMMANDRESULTS/ABC123", "ABC123")]
    public async Task RunCommandAsync_LocationInAnyCasing_GivesTheCommandId(string path, string id)
    {
        _arm.OnPost(_arm.Accepted(_arm.Url + path));
        var sut = _arm.CreateClient(_clock, _credential);

        var operation = await sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls"));

        Assert.Equal(id, operation.Id);
    }

    [Fact]
    public async Task WaitForCompletionAsync_Cancelled_ThrowsWithCommandIdAndStopsPolling()
    {
        _arm.OnGet(ArmStub.Running());
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);
        using var cancellation = new CancellationTokenSource();

        var wait = operation.WaitForCompletionAsync(cancellation.Token);
        await _clock.NextTimerAsync(); // the first poll answered Running; the loop now waits
        await cancellation.CancelAsync();
        var error = await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => wait);

        Assert.Equal(ArmStub.CommandId, error.CommandId);
        Assert.False(error.MaxWaitElapsed);
        Assert.Contains("keeps running on the cluster", error.Message, StringComparison.Ordinal);
        Assert.Contains(ArmStub.CommandId, error.Message, StringComparison.Ordinal);
        var polls = _arm.GetCount;
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(polls, _arm.GetCount); // nobody waits, nothing polls
    }

    [Fact]
    public async Task WaitForCompletionAsync_MaxWaitElapsed_ThrowsWithCommandId()
    {
        _arm.OnGet(ArmStub.Running());
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var wait = operation.WaitForCompletionAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), await _clock.NextTimerAsync()); // the max-wait timer
        while (_clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            _clock.Advance(await _clock.NextTimerAsync()); // each 1 s poll delay in turn
        }

        var error = await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => wait);

        Assert.True(error.MaxWaitElapsed);
        Assert.Equal(ArmStub.CommandId, error.CommandId);
        Assert.Contains("maximum wait elapsed", error.Message, StringComparison.Ordinal);
        Assert.InRange(_arm.GetCount, 10, 11);
    }

    [Fact]
    public async Task GetRunCommandOperation_NewClient_ResumesAndPollsAtOnce()
    {
        _arm.OnPost(_arm.Accepted());
        _arm.OnGet(ArmStub.Running(), ArmStub.Finished(exitCode: 0, logs: "resumed"));
        var first = await _arm.CreateClient(_clock, _credential).RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls"));

        var resumed = _arm.CreateClient(new ManualClock(), new SentinelCredential()).GetRunCommandOperation(ClusterId.Parse(first.Cluster.ResourceId), first.Id);
        var progress = await resumed.UpdateStatusAsync();
        var result = await resumed.UpdateStatusAsync();

        Assert.False(progress.HasCompleted);
        Assert.True(result.HasCompleted);
        Assert.Equal("resumed", resumed.Value.Logs);
        Assert.Equal(1, _arm.PostCount);
    }

    [Fact]
    public async Task WaitForCompletionAsync_TwoWaiters_ShareOnePollLoop()
    {
        _arm.OnGet(ArmStub.Running(), ArmStub.Running(), ArmStub.Finished());
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var first = operation.WaitForCompletionAsync();
        var second = operation.WaitForCompletionAsync();
        await _clock.DriveAsync(Task.WhenAll(first, second));

        Assert.Same(await first, await second);
        Assert.Equal(3, _arm.GetCount);
    }

    [Fact]
    public void Value_BeforeCompletion_ThrowsInvalidOperation()
    {
        var operation = _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, ArmStub.CommandId);

        var error = Assert.Throws<InvalidOperationException>(() => operation.Value);

        Assert.Contains("has not completed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a?b")]
    public void GetRunCommandOperation_BadCommandId_ThrowsNamingIt(string id)
    {
        var error = Assert.Throws<ArgumentException>(() => _arm.CreateClient(_clock, _credential).GetRunCommandOperation(ArmStub.Cluster, id));

        Assert.Equal("commandId", error.ParamName);
    }

    [Fact]
    public async Task Secrets_NeverAppearInLogsOrExceptions()
    {
        _arm.OnPost(ArmStub.Error(400, "MissingAADClusterToken", "A cluster token is required"), _arm.Accepted());
        _arm.OnGet(ArmStub.Error(503, "Busy", "busy").WithHeader("Retry-After", "1"), ArmStub.Running(), ArmStub.Error(404, "NotFound", "gone"));
        var sut = _arm.CreateClient(_clock, _credential);

        var operation = await _clock.RunAsync(sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls")));
        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => _clock.RunAsync(operation.WaitForCompletionAsync()));

        Assert.Equal(SentinelCredential.ClusterToken, _arm.Requests[1].Json.GetProperty("clusterToken").GetString());
        Assert.All(_arm.Requests, r => Assert.Equal("Bearer " + SentinelCredential.ArmToken, r.Authorization));
        var texts = _arm.Logs.Lines.Select(l => l.Message).Append(error.ToString()).Append(operation.ToString()).ToList();
        Assert.Contains(_arm.Logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Information && l.Message.Contains(ArmStub.CommandId, StringComparison.Ordinal));
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
