using AksRunCommand.Testing;
using AksRunCommand.Tests.Fleets;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Polling;

// The loop's rules as a user meets them: real requests to the fake over loopback, on a manual clock.
public sealed class PollLoopWireTests : IDisposable
{
    private static readonly Guid Subscription = Guid.Parse("bbbbbbbb-2121-4000-8000-000000000021");
    private static readonly AsyncLocal<string?> Caller = new();
    private readonly ManualClock _clock = new();
    private readonly FakeAks _aks;

    public PollLoopWireTests()
    {
        _aks = FakeAks.Start(new FakeAksOptions { TimeProvider = _clock });
    }

    public void Dispose() => _aks.Dispose();

    // Issue 21, point 1: two clusters of one subscription, one poll answered 429 with a ten-minute Retry-After (which
    // pauses the subscription's reads), the other a 503 and then Running: a five-second maximum wait ends both at five seconds.
    [Fact]
    public async Task FleetMaxWait_WhileOneWaitsOutTenMinutesAndTheOtherRetries_EndsBothOnTime()
    {
        var paused = FleetRunTests.Cluster(Subscription, "paused");
        var retried = FleetRunTests.Cluster(Subscription, "retried");
        _aks.Cluster(paused).When("sleep 600").RunningFor(TimeSpan.FromSeconds(600)).OnPoll(FakeFault.Throttled(TimeSpan.FromMinutes(10)));
        _aks.Cluster(retried).When("sleep 600").RunningFor(TimeSpan.FromSeconds(600)).OnPoll(FakeFault.ServerError(503));
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var outcomes = await _clock.RunAsync(FleetRunTests.Collect(client.RunOnFleetAsync([paused, retried], new RunCommandContent("sleep 600"), new FleetRunOptions { MaxWait = TimeSpan.FromSeconds(5) })));

        Assert.All(outcomes, o => Assert.Equal(FleetOutcomeKind.WaitStopped, o.Kind));
        Assert.Equal(2, outcomes.Count(o => o.CommandId is not null));
        Assert.Equal(TimeSpan.FromSeconds(5), _clock.Elapsed);
    }

    // Issue 21, point 2: no poll runs in a waiter's execution context (its AsyncLocals, logging scopes): before, the first
    // waiter's context flowed into every later poll of the client, other operations' polls included.
    [Fact]
    public async Task Polls_NeverCarryAWaitersExecutionContext()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string? Caller)>();
        var client = _aks.CreateClient(o =>
        {
            o.TimeProvider = _clock;
            o.Transport = new Recording(_clock.HoldDuringRequests(), seen);
        });
        _aks.When("sleep 5").RunningFor(TimeSpan.FromSeconds(5)).ExitsWith(0);
        var first = await _clock.RunAsync(client.RunCommandAsync(WaitUntil.Started, FleetRunTests.Cluster(Subscription, "a"), new RunCommandContent("sleep 5")));
        var second = await _clock.RunAsync(client.RunCommandAsync(WaitUntil.Started, FleetRunTests.Cluster(Subscription, "b"), new RunCommandContent("sleep 5")));

        var waits = Task.WhenAll(
            Task.Run(async () =>
            {
                Caller.Value = "first waiter";
                return await first.WaitForCompletionAsync();
            }),
            Task.Run(async () =>
            {
                Caller.Value = "second waiter";
                return await second.WaitForCompletionAsync();
            }));
        var results = await _clock.RunAsync(waits);

        Assert.All(results, r => Assert.True(r.IsSuccess));
        var polls = seen.Where(s => s.Path.Contains("/commandResults/", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(polls.Count(p => p.Path.EndsWith(first.Id, StringComparison.OrdinalIgnoreCase)) >= 1 && polls.Count(p => p.Path.EndsWith(second.Id, StringComparison.OrdinalIgnoreCase)) >= 1, $"{polls.Count} polls");
        Assert.All(polls, p => Assert.Null(p.Caller));
    }

    // The same for polls a waiter's own arrival starts (a command resumed by id polls at once): they run off its context.
    [Fact]
    public async Task PollsAJoinStarts_NeverCarryTheJoinersExecutionContext()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string? Caller)>();
        var client = _aks.CreateClient(o =>
        {
            o.TimeProvider = _clock;
            o.Transport = new Recording(_clock.HoldDuringRequests(), seen);
        });
        var cluster = FleetRunTests.Cluster(Subscription, "resumed");
        _aks.AddCommand(cluster, "c0ffee").RunningFor(polls: 3).ExitsWith(0);
        var resumed = client.GetRunCommandOperation(cluster, "c0ffee");

        var result = await _clock.RunAsync(Task.Run(async () =>
        {
            Caller.Value = "joiner";
            return await resumed.WaitForCompletionAsync();
        }));

        Assert.True(result.IsSuccess);
        Assert.Equal(4, seen.Count);
        Assert.All(seen, p => Assert.Null(p.Caller));
    }

    // A poll throttled more times than ArmRetryOptions.MaxRetries still completes (a 429 is a later turn, never a
    // failure), and another operation of the same subscription sends nothing while the 429's pause lasts.
    [Fact]
    public async Task APollThrottledMoreThanMaxRetries_Completes_AndTheSubscriptionsOtherOperationWaitsOutThePause()
    {
        var throttled = FleetRunTests.Cluster(Subscription, "throttled");
        var other = FleetRunTests.Cluster(Subscription, "other");
        _aks.Cluster(throttled).When("ls").RunningFor(0).ExitsWith(0).OnPoll(FakeFault.Throttled(TimeSpan.FromSeconds(30)), times: 7);
        _aks.Cluster(other).When("ls").RunningFor(TimeSpan.FromMinutes(10)).ExitsWith(0);
        var sent = new System.Collections.Concurrent.ConcurrentQueue<(string Path, DateTimeOffset At)>();
        var client = _aks.CreateClient(o =>
        {
            o.TimeProvider = _clock;
            o.Transport = new Timestamping(_clock.HoldDuringRequests(), _clock, sent);
        });
        var a = await _clock.RunAsync(client.RunCommandAsync(WaitUntil.Started, throttled, new RunCommandContent("ls")));
        var b = await _clock.RunAsync(client.RunCommandAsync(WaitUntil.Started, other, new RunCommandContent("ls")));

        var results = await _clock.RunAsync(Task.WhenAll(a.WaitForCompletionAsync(), b.WaitForCompletionAsync()));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Equal(8, _aks.Polls.Count(p => p.Cluster == throttled)); // seven 429s, then the result
        var polls = sent.Where(s => s.Path.Contains("/commandResults/", StringComparison.OrdinalIgnoreCase)).OrderBy(s => s.At).ToList();
        var throttledAt = polls.Where(p => p.Path.Contains("/throttled/", StringComparison.OrdinalIgnoreCase)).Take(7).Select(p => p.At).ToList();
        foreach (var at in throttledAt)
        {
            var during = polls.Where(p => p.At > at && p.At < at + TimeSpan.FromSeconds(30)).ToList();
            Assert.True(during.Count == 0, $"{during.Count} poll(s) of the subscription went out during the 30 s pause that began at {at:HH:mm:ss}: {string.Join(", ", during.Select(p => $"{p.At:HH:mm:ss}"))}");
        }
    }

    // One of two waiters leaving (cancelled) stops nothing for the other: it keeps polling and gets the result.
    [Fact]
    public async Task OneOfTwoWaitersLeaves_TheOtherKeepsPollingToTheResult()
    {
        _aks.When("sleep 20").RunningFor(TimeSpan.FromSeconds(20)).ExitsWith(0, "done\n");
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var operation = await _clock.RunAsync(client.RunCommandAsync(WaitUntil.Started, FleetRunTests.Cluster(Subscription, "two"), new RunCommandContent("sleep 20")));
        using var leaving = new CancellationTokenSource();

        var leaves = operation.WaitForCompletionAsync(leaving.Token);
        var stays = operation.WaitForCompletionAsync();
        await _clock.DriveAsync(stays, stopAfter: TimeSpan.FromSeconds(5));
        var pollsBefore = _aks.Polls.Count;
        await leaving.CancelAsync();
        var result = await _clock.RunAsync(stays);

        Assert.Equal(operation.Id, (await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => leaves)).CommandId);
        Assert.Equal("done\n", result.Logs);
        Assert.True(_aks.Polls.Count > pollsBefore + 5, $"{_aks.Polls.Count - pollsBefore} polls after one waiter left");
    }

    // Records each request with the clock's time it was sent at.
    private sealed class Timestamping(HttpMessageHandler inner, TimeProvider clock, System.Collections.Concurrent.ConcurrentQueue<(string, DateTimeOffset)> sent) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Enqueue((request.RequestUri!.AbsolutePath, clock.GetUtcNow()));
            return base.SendAsync(request, cancellationToken);
        }
    }

    // Records each request with the ambient AsyncLocal it was sent in.
    private sealed class Recording(HttpMessageHandler inner, System.Collections.Concurrent.ConcurrentQueue<(string, string?)> seen) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Enqueue((request.RequestUri!.AbsolutePath, Caller.Value));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
