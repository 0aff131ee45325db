using System.Diagnostics;
using AksRunCommand.Diagnostics;
using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Polling;
using AksRunCommand.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit.Abstractions;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Diagnostics;

// What an SRE sees through OpenTelemetry's in-memory exporter: the span tree of a run (a 429 on the POST, two polls),
// its attributes, no token and no command text, and the metric values. The meter is process-wide, so these tests run
// alone (their collection is not parallel) and read only what was measured after their provider was built.
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests : IDisposable
{
    private const string Command = "kubectl get pods --token=hunter2-secret";
    private static readonly ActivitySource TestSource = new("AksRunCommand.Tests.Telemetry");
    private readonly FakeAksFixture _arm = new();
    private readonly ITestOutputHelper _output;

    public TelemetryTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task Run_WithAThrottledPostAndTwoPolls_IsOneSpanTreeUnderTheCallersSpan()
    {
        _arm.Aks.When(Command).OnStart(FakeFault.ArmError(429, "TooManyRequests", "Slow down").WithHeader("Retry-After", "7")).RunningFor(polls: 1).ExitsWith(0, "pods");
        var spans = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(AksRunCommandDiagnostics.ActivitySourceName, AksRunCommandDiagnostics.KiotaActivitySourceName, TestSource.Name)
            .AddInMemoryExporter(spans)
            .Build())
        {
            var sut = _arm.CreateClient();
            using var caller = TestSource.StartActivity("caller")!;
            var operation = await _arm.Clock.RunAsync(sut.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent(Command)));
            caller.Stop();
            tracing.ForceFlush();

            var trace = spans.Where(s => s.TraceId == caller.TraceId).ToList();
            _output.WriteLine(SpanTree.Render(trace));

            var run = Assert.Single(trace, s => s.OperationName == "AksRunCommandClient.RunCommand");
            Assert.Equal(caller.SpanId, run.ParentSpanId);
            Assert.Equal(ActivityStatusCode.Unset, run.Status);
            AssertTags(run, new()
            {
                ["az.namespace"] = "Microsoft.ContainerService",
                ["cloud.resource_id"] = FakeAksFixture.Cluster.ResourceId,
                ["aks.runcommand.command_id"] = operation.Id,
                ["aks.runcommand.api_version"] = AksRunCommandClientOptions.DefaultApiVersion,
                ["aks.runcommand.outcome"] = "succeeded",
                ["aks.runcommand.provisioning_state"] = "Succeeded",
                ["aks.runcommand.exit_code"] = 0,
                ["aks.runcommand.poll_count"] = 2,
                ["aks.runcommand.retry_count"] = 1,
                ["aks.runcommand.cluster_token"] = false,
            });

            var post = Assert.Single(trace, s => s.OperationName == "ManagedClusters.RunCommand");
            Assert.Equal(run.SpanId, post.ParentSpanId);
            AssertTags(post, new() { ["http.request.resend_count"] = 1, ["http.response.status_code"] = 202, ["aks.runcommand.command_id"] = operation.Id });
            Assert.True(Guid.TryParse(post.GetTagItem("az.client_request_id") as string, out _), "az.client_request_id is the x-ms-client-request-id sent");
            var retry = Assert.Single(post.Events);
            Assert.Equal("retry", retry.Name);
            Assert.Contains(retry.Tags, t => t.Key == "http.response.status_code" && Equals(t.Value, 429));

            var polls = trace.Where(s => s.OperationName == "ManagedClusters.GetCommandResult").OrderBy(s => s.StartTimeUtc).ToList();
            Assert.Equal(2, polls.Count);
            Assert.All(polls, p => Assert.Equal(run.SpanId, p.ParentSpanId));
            Assert.Equal(["Running", "Succeeded"], polls.Select(p => p.GetTagItem("aks.runcommand.provisioning_state")));
            Assert.Equal([202, 200], polls.Select(p => p.GetTagItem("http.response.status_code")));

            // Kiota's HTTP spans nest under the library's: two attempts of the POST, one request per poll.
            var http = trace.Where(s => s.Source.Name == AksRunCommandDiagnostics.KiotaActivitySourceName && s.Parent?.Source.Name != AksRunCommandDiagnostics.KiotaActivitySourceName).ToList();
            Assert.Equal(2, http.Count(s => s.ParentSpanId == post.SpanId));
            Assert.All(polls, p => Assert.Single(http, s => s.ParentSpanId == p.SpanId));
            Assert.Equal(4, http.Count);

            AssertNoSecret(trace);
        }
    }

    [Fact]
    public async Task WithoutOurSource_KiotasSpansOfThePollsStillNestUnderTheCallersSpan()
    {
        _arm.Aks.When("ls").RunningFor(polls: 2).ExitsWith(0);
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(AksRunCommandDiagnostics.KiotaActivitySourceName, TestSource.Name).AddInMemoryExporter(spans).Build();
        var sut = _arm.CreateClient();
        using var caller = TestSource.StartActivity("caller")!;

        await _arm.Clock.RunAsync(sut.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("ls")));
        caller.Stop();
        tracing.ForceFlush();

        // The polls run on the client's loop, in whatever context first woke it; they are sent in the waiter's.
        var http = spans.Where(s => s.TraceId == caller.TraceId && s.Source.Name == AksRunCommandDiagnostics.KiotaActivitySourceName && s.ParentSpanId == caller.SpanId).ToList();
        Assert.Equal(4, http.Count); // the POST and three polls
        Assert.DoesNotContain(spans, s => s.Source.Name == AksRunCommandDiagnostics.ActivitySourceName);
    }

    [Fact]
    public async Task Run_WithIncludeCommandText_CarriesTheCommandOnTheRunSpanOnly()
    {
        _arm.Aks.When(Command).ExitsWith(0);
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(AksRunCommandDiagnostics.ActivitySourceName, TestSource.Name).AddInMemoryExporter(spans).Build();
        var sut = _arm.CreateClient(o => o.Diagnostics.IncludeCommandText = true);
        using var caller = TestSource.StartActivity("caller")!;

        await _arm.Clock.RunAsync(sut.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent(Command)));
        caller.Stop();
        tracing.ForceFlush();

        var trace = spans.Where(s => s.TraceId == caller.TraceId).ToList();
        var carrying = Assert.Single(trace, s => s.Tags.Any(t => t.Value == Command));
        Assert.Equal("AksRunCommandClient.RunCommand", carrying.OperationName);
        Assert.Equal(Command, carrying.GetTagItem("aks.runcommand.command"));
    }

    [Fact]
    public async Task ResumedWait_IsItsOwnSpan_WithThePollsItMade_AndAFailedCommandIsAnError()
    {
        _arm.Aks.When("false").RunningFor(polls: 2).Fails("the pod could not be scheduled");
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(AksRunCommandDiagnostics.ActivitySourceName, TestSource.Name).AddInMemoryExporter(spans).Build();
        var sut = _arm.CreateClient();
        var started = await _arm.Clock.RunAsync(sut.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("false")));
        using var caller = TestSource.StartActivity("caller")!;

        var result = await _arm.Clock.RunAsync(sut.GetRunCommandOperation(FakeAksFixture.Cluster, started.Id).WaitForCompletionAsync());
        caller.Stop();
        tracing.ForceFlush();

        var trace = spans.Where(s => s.TraceId == caller.TraceId).ToList();
        _output.WriteLine(SpanTree.Render(trace));
        var wait = Assert.Single(trace, s => s.OperationName == "RunCommandOperation.WaitForCompletion");
        Assert.Equal(caller.SpanId, wait.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Error, wait.Status);
        AssertTags(wait, new() { ["aks.runcommand.command_id"] = result.CommandId, ["aks.runcommand.outcome"] = "failed", ["aks.runcommand.poll_count"] = 3 });
        Assert.Equal(3, trace.Count(s => s.OperationName == "ManagedClusters.GetCommandResult" && s.ParentSpanId == wait.SpanId));
    }

    [Fact]
    public async Task FleetRun_IsOneParentSpanOverOneRunSpanPerCluster()
    {
        var ok = new ClusterId(Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001"), "rg", "ok");
        var gone = new ClusterId(Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001"), "rg", "gone");
        var exit3 = new ClusterId(Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002"), "rg", "exit3");
        _arm.Aks.Cluster(gone).DoesNotExist();
        _arm.Aks.Cluster(exit3).When("kubectl get ns").RunningFor(1).ExitsWith(3);
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(AksRunCommandDiagnostics.ActivitySourceName, TestSource.Name).AddInMemoryExporter(spans).Build();
        var sut = _arm.CreateClient();
        using var caller = TestSource.StartActivity("caller")!;

        var outcomes = await _arm.Clock.RunAsync(Collect(sut.RunOnFleetAsync([ok, gone, exit3], new RunCommandContent("kubectl get ns"))));
        caller.Stop();
        tracing.ForceFlush();

        var trace = spans.Where(s => s.TraceId == caller.TraceId).ToList();
        _output.WriteLine(SpanTree.Render(trace));
        var fleet = Assert.Single(trace, s => s.OperationName == "AksRunCommandClient.RunOnFleet");
        Assert.Equal(caller.SpanId, fleet.ParentSpanId);
        AssertTags(fleet, new() { ["aks.runcommand.fleet.clusters"] = 3, ["aks.runcommand.fleet.succeeded"] = 1, ["aks.runcommand.fleet.failed"] = 2 });
        var runs = trace.Where(s => s.OperationName == "AksRunCommandClient.RunCommand").ToDictionary(s => (string)s.GetTagItem("cloud.resource_id")!);
        Assert.Equal(3, runs.Count);
        Assert.All(runs.Values, r => Assert.Equal(fleet.SpanId, r.ParentSpanId));
        AssertTags(runs[ok.ResourceId], new() { ["aks.runcommand.fleet.outcome"] = "Succeeded", ["aks.runcommand.exit_code"] = 0, ["aks.runcommand.command_id"] = outcomes.Single(o => o.Cluster == ok).CommandId! });
        AssertTags(runs[exit3.ResourceId], new() { ["aks.runcommand.fleet.outcome"] = "NonZeroExit", ["aks.runcommand.exit_code"] = 3, ["aks.runcommand.poll_count"] = 2 });
        AssertTags(runs[gone.ResourceId], new() { ["aks.runcommand.fleet.outcome"] = "Refused", ["aks.runcommand.outcome"] = "error" });
        Assert.Equal(ActivityStatusCode.Error, runs[gone.ResourceId].Status);
        Assert.All(trace.Where(s => s.OperationName == "ManagedClusters.GetCommandResult"), p => Assert.Contains(runs.Values, r => r.SpanId == p.ParentSpanId));
        AssertNoSecret(trace);
    }

    [Fact]
    public async Task Metrics_OfAThrottledRun_CountTheStartTheCompletionThePollsTheThrottleAndTheRetry()
    {
        _arm.Aks.When("ls").OnStart(FakeFault.ArmError(429, "TooManyRequests", "Slow down").WithHeader("Retry-After", "7")).RunningFor(polls: 1).ExitsWith(0);
        var exported = new List<MetricSnapshot>();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(AksRunCommandDiagnostics.MeterName).AddInMemoryExporter(exported).Build();
        var sut = _arm.CreateClient(o => o.Polling = PollingStrategy.Fixed(TimeSpan.FromSeconds(5)));

        var cluster = new ClusterId(Guid.Parse("c0ffee00-4242-4000-8000-000000000022"), "rg1", "clustername1"); // a subscription only this test uses: the rate gauge reads every client's
        var operation = await _arm.Clock.RunAsync(sut.RunCommandAsync(WaitUntil.Started, cluster, new RunCommandContent("ls")));
        var activeWhileRunning = new List<long>();
        var progress = new SynchronousProgress(p =>
        {
            if (!p.HasCompleted)
            {
                activeWhileRunning.Add(Snapshot(metrics, exported)["aks.runcommand.operations.active"].Sum()); // in the poll loop, between polls
            }
        });
        await _arm.Clock.RunAsync(operation.WaitForCompletionAsync(new RunCommandWaitOptions { Progress = progress }));
        Assert.Equal([1], activeWhileRunning);

        var values = Snapshot(metrics, exported);
        foreach (var (name, metric) in values)
        {
            _output.WriteLine($"{name} [{metric.Unit}] {string.Join("; ", metric.Points())}");
        }

        Assert.Equal(1, values["aks.runcommand.commands.started"].Sum());
        Assert.Equal(1, values["aks.runcommand.commands.completed"].Sum(("aks.runcommand.outcome", "succeeded")));
        Assert.Equal(1, values["aks.runcommand.throttled_responses"].Sum(("aks.runcommand.request", "run")));
        Assert.Equal(1, values["aks.runcommand.retries"].Sum(("aks.runcommand.request", "run")));
        Assert.Equal(0, values["aks.runcommand.operations.active"].Sum());
        var rate = Assert.Single(values["aks.runcommand.subscription.request_rate"].Gauge(("aks.runcommand.subscription_id", cluster.SubscriptionId.ToString("D"))));
        Assert.InRange(rate, LearnedRate.MinimumRate, LearnedRate.InitialRate); // the 429 took the learned rate below where it started
        var polls = values["aks.runcommand.command.polls"].Histogram(("aks.runcommand.outcome", "succeeded"));
        Assert.Equal((1, 2.0), polls);
        var duration = values["aks.runcommand.command.duration"].Histogram(("aks.runcommand.outcome", "succeeded"));
        Assert.Equal(1, duration.Count);
        Assert.Equal(10.0, duration.Sum, precision: 3); // two fixed 5 s poll delays after the acceptance, on the test clock
        Assert.Equal("s", values["aks.runcommand.command.duration"].Unit);
        Assert.Equal("{command}", values["aks.runcommand.commands.started"].Unit);
    }

    [Fact]
    public async Task ACanceledCommand_IsOutcomeCanceled_OnTheSpanAndInTheMetrics()
    {
        _arm.Aks.When("ls").OnPoll(FakeFault.Reply(200, """{"id":"x","properties":{"provisioningState":"Canceled","reason":"canceled by an administrator"}}"""));
        var spans = new List<Activity>();
        var exported = new List<MetricSnapshot>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(AksRunCommandDiagnostics.ActivitySourceName, TestSource.Name).AddInMemoryExporter(spans).Build();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(AksRunCommandDiagnostics.MeterName).AddInMemoryExporter(exported).Build();
        using var caller = TestSource.StartActivity("caller")!;

        var operation = await _arm.Clock.RunAsync(_arm.CreateClient().RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("ls")));
        caller.Stop();
        tracing.ForceFlush();

        Assert.Equal("Canceled", operation.Value.ProvisioningState);
        var run = Assert.Single(spans, s => s.TraceId == caller.TraceId && s.OperationName == "AksRunCommandClient.RunCommand");
        AssertTags(run, new() { ["aks.runcommand.outcome"] = "canceled", ["aks.runcommand.provisioning_state"] = "Canceled", ["aks.runcommand.poll_count"] = 1 });
        Assert.Equal(ActivityStatusCode.Error, run.Status);
        var values = Snapshot(metrics, exported);
        Assert.Equal(1, values["aks.runcommand.commands.completed"].Sum(("aks.runcommand.outcome", "canceled")));
        Assert.Equal(0, values["aks.runcommand.commands.completed"].Sum(("aks.runcommand.outcome", "succeeded")));
        Assert.Equal((1, 1.0), values["aks.runcommand.command.polls"].Histogram(("aks.runcommand.outcome", "canceled")));
        Assert.Equal(1, values["aks.runcommand.command.duration"].Histogram(("aks.runcommand.outcome", "canceled")).Count);
    }

    [Fact]
    public async Task AStoppedWait_IsOutcomeWaitStopped_NotAnError_AndNotACompletedCommand()
    {
        _arm.Aks.When("sleep 600").RunningFor(TimeSpan.FromMinutes(10));
        var spans = new List<Activity>();
        var exported = new List<MetricSnapshot>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(AksRunCommandDiagnostics.ActivitySourceName, TestSource.Name).AddInMemoryExporter(spans).Build();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(AksRunCommandDiagnostics.MeterName).AddInMemoryExporter(exported).Build();
        var client = _arm.CreateClient();
        using var cancel = new CancellationTokenSource();
        using var caller = TestSource.StartActivity("caller")!;

        var run = client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("sleep 600"), cancel.Token);
        await _arm.Clock.DriveAsync(run, stopAfter: TimeSpan.FromSeconds(3.5)); // three polls, then the caller gives up
        await cancel.CancelAsync();
        var stopped = await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => _arm.Clock.RunAsync(run));
        var started = await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("sleep 600")));
        var timedOut = await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => _arm.Clock.RunAsync(started.WaitForCompletionAsync(new RunCommandWaitOptions { MaxWait = TimeSpan.FromSeconds(10) })));
        caller.Stop();
        tracing.ForceFlush();

        var trace = spans.Where(s => s.TraceId == caller.TraceId).ToList();
        _output.WriteLine(SpanTree.Render(trace));
        var runSpan = Assert.Single(trace, s => s.OperationName == "AksRunCommandClient.RunCommand" && Equals(s.GetTagItem("aks.runcommand.command_id"), stopped.CommandId));
        AssertTags(runSpan, new() { ["aks.runcommand.outcome"] = "wait_stopped", ["aks.runcommand.poll_count"] = 3 });
        var waitSpan = Assert.Single(trace, s => s.OperationName == "RunCommandOperation.WaitForCompletion");
        AssertTags(waitSpan, new() { ["aks.runcommand.outcome"] = "wait_stopped", ["aks.runcommand.command_id"] = timedOut.CommandId! });
        Assert.All(new[] { runSpan, waitSpan }, s => Assert.Equal((ActivityStatusCode.Unset, null), (s.Status, s.GetTagItem("error.type")))); // only the waiting stopped
        var values = Snapshot(metrics, exported);
        Assert.Equal(2, values["aks.runcommand.commands.started"].Sum());
        Assert.False(values.TryGetValue("aks.runcommand.commands.completed", out var completed) && completed.Sum() > 0, "a stopped wait completed nothing");
        Assert.Equal(0, values["aks.runcommand.operations.active"].Sum());
    }

    [Fact]
    public async Task ACancelledStart_IsOutcomeStartCanceled_OnTheRunAndThePostSpans_AndStartsNothing()
    {
        _arm.Aks.When("ls").OnStart(FakeFault.Throttled(TimeSpan.FromSeconds(30)));
        var spans = new List<Activity>();
        var exported = new List<MetricSnapshot>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(AksRunCommandDiagnostics.ActivitySourceName, TestSource.Name).AddInMemoryExporter(spans).Build();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(AksRunCommandDiagnostics.MeterName).AddInMemoryExporter(exported).Build();
        using var cancel = new CancellationTokenSource();
        using var caller = TestSource.StartActivity("caller")!;

        var start = _arm.CreateClient().RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("ls"), cancel.Token);
        await _arm.Clock.DriveAsync(start, stopAfter: TimeSpan.FromSeconds(10)); // the 429 arrived; its 30 s are not over
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RunCommandStartCanceledException>(() => _arm.Clock.RunAsync(start));
        caller.Stop();
        tracing.ForceFlush();

        Assert.False(error.CommandMayHaveStarted);
        var trace = spans.Where(s => s.TraceId == caller.TraceId).ToList();
        _output.WriteLine(SpanTree.Render(trace));
        var run = Assert.Single(trace, s => s.OperationName == "AksRunCommandClient.RunCommand");
        var post = Assert.Single(trace, s => s.OperationName == "ManagedClusters.RunCommand");
        Assert.All(new[] { run, post }, s => Assert.Equal(("start_canceled", ActivityStatusCode.Unset, null), (s.GetTagItem("aks.runcommand.outcome"), s.Status, s.GetTagItem("error.type"))));
        Assert.Null(run.GetTagItem("aks.runcommand.command_id"));
        var values = Snapshot(metrics, exported);
        Assert.False(values.TryGetValue("aks.runcommand.commands.started", out var started) && started.Sum() > 0, "a cancelled start started nothing");
        Assert.Equal(1, values["aks.runcommand.throttled_responses"].Sum(("aks.runcommand.request", "run")));
    }

    private static async Task<List<FleetOutcome>> Collect(IAsyncEnumerable<FleetOutcome> outcomes)
    {
        var all = new List<FleetOutcome>();
        await foreach (var outcome in outcomes)
        {
            all.Add(outcome);
        }

        return all;
    }

    private sealed class SynchronousProgress(Action<RunCommandProgress> report) : IProgress<RunCommandProgress>
    {
        public void Report(RunCommandProgress value) => report(value);
    }

    private static Dictionary<string, MetricSnapshot> Snapshot(MeterProvider provider, List<MetricSnapshot> exported)
    {
        exported.Clear();
        provider.ForceFlush();
        return exported.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
    }

    private static void AssertTags(Activity span, Dictionary<string, object> expected)
    {
        foreach (var (key, value) in expected)
        {
            var actual = span.GetTagItem(key);
            Assert.True(Equals(value, actual), $"{span.OperationName}: {key} is '{actual}' ({actual?.GetType().Name}), expected '{value}' ({value.GetType().Name})");
        }
    }

    private static void AssertNoSecret(IEnumerable<Activity> spans)
    {
        foreach (var span in spans)
        {
            var texts = span.TagObjects.Select(t => $"{t.Key}={t.Value}")
                .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")))
                .Append(span.DisplayName)
                .Append(span.StatusDescription ?? string.Empty);
            foreach (var text in texts)
            {
                Assert.DoesNotContain(SentinelCredential.ArmToken, text, StringComparison.Ordinal);
                Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
                Assert.DoesNotContain("kubectl", text, StringComparison.Ordinal);
            }
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry (process-wide meter)";
}
