using AksRunCommand.Testing;

namespace AksRunCommand.Tests.Fleets;

// One command on many clusters: every cluster an outcome (failures included), ids where the service accepted,
// at most MaxParallel in flight, inside ARM's request budget, cancellable without losing an id.
public sealed class FleetRunTests : IDisposable
{
    private static readonly Guid SubscriptionA = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid SubscriptionB = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");
    private readonly ManualClock _clock = new();
    private readonly FakeAks _aks;

    public FleetRunTests()
    {
        _aks = FakeAks.Start(new FakeAksOptions { TimeProvider = _clock });
    }

    public void Dispose() => _aks.Dispose();

    [Fact]
    public async Task RunOnFleet_MixedClusters_EveryOneAnOutcomeAndIdsWhereAccepted()
    {
        var ok = Cluster(SubscriptionA, "ok");
        var gone = Cluster(SubscriptionA, "gone");
        var forbidden = Cluster(SubscriptionA, "forbidden");
        var entra = Cluster(SubscriptionB, "entra");
        var busy = Cluster(SubscriptionB, "busy");
        var pull = Cluster(SubscriptionB, "pull");
        var exit3 = Cluster(SubscriptionB, "exit3");
        var flaky = Cluster(SubscriptionB, "flaky");
        _aks.Cluster(gone).DoesNotExist();
        _aks.Cluster(forbidden).Forbids();
        _aks.Cluster(entra).RequiresClusterToken();
        _aks.Cluster(busy).RefusesEveryStart(FakeFault.ArmError(400, "KubernetesPerformanceError", "The cluster is under pressure."));
        _aks.Cluster(pull).When("kubectl get ns").Fails("ImagePullBackoff");
        _aks.Cluster(exit3).When("kubectl get ns").RunningFor(2).ExitsWith(3, "boom\n");
        _aks.Cluster(flaky).When("kubectl get ns").OnStart(FakeFault.ServerError(503));
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var clusters = new[] { ok, gone, forbidden, entra, busy, pull, exit3, flaky };

        var outcomes = (await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("kubectl get ns"))))).ToDictionary(o => o.Cluster);

        Assert.Equal(clusters.Length, outcomes.Count);
        Assert.Equal(FleetOutcomeKind.Succeeded, outcomes[ok].Kind);
        Assert.Equal(FleetOutcomeKind.Succeeded, outcomes[entra].Kind); // resent once with a cluster token
        Assert.Equal(FleetOutcomeKind.Refused, outcomes[gone].Kind);
        Assert.Contains("404", outcomes[gone].ErrorLine, StringComparison.Ordinal);
        Assert.Equal(FleetOutcomeKind.Refused, outcomes[forbidden].Kind);
        Assert.Contains("AuthorizationFailed", outcomes[forbidden].ErrorLine, StringComparison.Ordinal);
        Assert.Equal(FleetOutcomeKind.Refused, outcomes[busy].Kind);
        Assert.Equal(FleetOutcomeKind.ProvisioningFailed, outcomes[pull].Kind);
        Assert.Equal(FleetOutcomeKind.NonZeroExit, outcomes[exit3].Kind);
        Assert.Equal(3, outcomes[exit3].ExitCode);
        Assert.Equal(FleetOutcomeKind.MayHaveStarted, outcomes[flaky].Kind);
        foreach (var accepted in new[] { ok, entra, pull, exit3 })
        {
            Assert.Equal(_aks.Runs.Single(r => r.Cluster == accepted && r.CommandId is not null).CommandId, outcomes[accepted].CommandId);
        }

        Assert.All(clusters, c => Assert.True(_aks.Runs.Count(r => r.Cluster == c) <= (c == entra ? 2 : 1)));
    }

    [Fact]
    // What Progress reports (the fake's own count of running commands proves MaxParallel: FleetParallelismTests).
    public async Task RunOnFleet_Progress_NeverReportsMoreInFlightThanMaxParallel_AndTwelveClustersTakeFourRounds()
    {
        var clusters = Enumerable.Range(0, 12).Select(i => Cluster(SubscriptionA, $"c{i}")).ToList();
        var seen = new List<FleetProgress>();
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var outcomes = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("sleep 20"), new FleetRunOptions { MaxParallel = 3, Progress = new Sync<FleetProgress>(seen) })));

        Assert.Equal(12, outcomes.Count(o => o.Kind == FleetOutcomeKind.Succeeded));
        Assert.Equal(3, seen.Max(p => p.Starting + p.Running));
        Assert.Contains(new FleetProgress(12, 0, 0, 0, 12, 0), seen); // the end was reported
        Assert.InRange(_clock.Elapsed, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(100)); // four waves of about 20 s
    }

    [Fact]
    public void RunOnFleet_AClusterTwice_IsRefusedBeforeAnyRequest()
    {
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var twice = Cluster(SubscriptionA, "twice");

        var error = Assert.Throws<ArgumentException>(() => client.RunOnFleetAsync([twice, Cluster(SubscriptionA, "TWICE")], new RunCommandContent("ls")));

        Assert.Equal("clusters", error.ParamName);
        Assert.Empty(_aks.Runs);
    }

    [Fact]
    public async Task RunOnFleet_ThreeHundredClustersAtArmsRates_StaysInsideTheBudgetWithNo429()
    {
        using var throttled = FakeAks.Start(new FakeAksOptions { TimeProvider = _clock, Throttling = FakeArmThrottling.TokenBucketScheme });
        var clusters = Enumerable.Range(0, 300).Select(i => Cluster(SubscriptionA, $"n{i}")).ToList();
        var client = throttled.CreateClient(o => o.TimeProvider = _clock);

        var outcomes = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("sleep 30"), new FleetRunOptions { MaxParallel = 300 })));

        Assert.Equal(300, outcomes.Count(o => o.IsSuccess));
        Assert.Equal(0, throttled.Runs.Count(r => r.Status == 429) + throttled.Polls.Count(p => p.Status == 429));
        Assert.Equal(300, throttled.Runs.Count);
    }

    [Fact]
    public async Task RunOnFleet_WithoutABudget_ArmThrottlesAndTheClientPausesAndStillFinishes()
    {
        using var throttled = FakeAks.Start(new FakeAksOptions { TimeProvider = _clock, Throttling = new FakeArmThrottling { ReadCapacity = 20, ReadsPerSecond = 5, WriteCapacity = 200, WritesPerSecond = 10 } });
        var clusters = Enumerable.Range(0, 40).Select(i => Cluster(SubscriptionA, $"t{i}")).ToList();
        var client = throttled.CreateClient(o => { o.TimeProvider = _clock; o.RequestBudget.Enabled = false; });

        var outcomes = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("sleep 10"), new FleetRunOptions { MaxParallel = 40 })));

        Assert.Equal(40, outcomes.Count(o => o.IsSuccess));
        Assert.True(throttled.Polls.Count(p => p.Status == 429) > 0, "ARM's bucket (20, 5/s) is smaller than 40 polls a second");
        Assert.Equal(40, throttled.Runs.Count); // a 429 on a poll pauses; no run request is sent twice
    }

    [Fact]
    public async Task RunOnFleet_Cancelled_StopsWaitingAndEveryStartedOneKeepsItsId()
    {
        var clusters = Enumerable.Range(0, 6).Select(i => Cluster(SubscriptionA, $"x{i}")).ToList();
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        using var cancel = new CancellationTokenSource();

        var run = Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("sleep 600"), new FleetRunOptions { MaxParallel = 4 }, cancel.Token));
        await _clock.DriveAsync(run, stopAfter: TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();
        var outcomes = await _clock.RunAsync(run);

        Assert.Equal(4, outcomes.Count(o => o.Kind == FleetOutcomeKind.WaitStopped));
        Assert.All(outcomes.Where(o => o.Kind == FleetOutcomeKind.WaitStopped), o => Assert.Contains(_aks.Runs, r => r.CommandId == o.CommandId));
        Assert.Equal(2, outcomes.Count(o => o.Kind == FleetOutcomeKind.NotStarted && o.CommandId is null));
        Assert.Equal(4, _aks.Runs.Count);
    }

    // Class 4 (b): within one run a throttled run request is never a final outcome, however many 429s it gets.
    [Fact]
    public async Task RunOnFleet_EveryRunRequestThrottledForSixSeconds_EveryClusterStillSucceeds()
    {
        var clusters = Enumerable.Range(0, 10).Select(i => Cluster(SubscriptionA, $"tt{i}")).ToList();
        foreach (var cluster in clusters)
        {
            _aks.Cluster(cluster).When("ls").OnStart(FakeFault.Throttled(TimeSpan.FromSeconds(1)), times: 7).RunningFor(0); // more 429s than Retry.MaxRetries (5)
        }

        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var outcomes = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("ls"), new FleetRunOptions { MaxParallel = 10 })));

        Assert.Equal(10, outcomes.Count(o => o.Kind == FleetOutcomeKind.Succeeded));
        Assert.All(clusters, c => Assert.Equal([429, 429, 429, 429, 429, 429, 429, 202], _aks.Runs.Where(r => r.Cluster == c).Select(r => r.Status)));
        Assert.True(_clock.Elapsed >= TimeSpan.FromSeconds(7), $"seven 429s of 1 s each took {_clock.Elapsed}");
    }

    // Class 4 (b), the other side: a single command still gives up after Retry.MaxRetries 429s, as documented.
    [Fact]
    public async Task RunCommand_ThrottledMoreThanMaxRetries_FailsWithTheThrottle()
    {
        var cluster = Cluster(SubscriptionA, "single");
        _aks.Cluster(cluster).When("ls").OnStart(FakeFault.Throttled(TimeSpan.FromSeconds(1)), times: 7);
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => _clock.RunAsync(client.RunCommandAsync(Azure.WaitUntil.Started, cluster, new RunCommandContent("ls"))));

        Assert.Equal(429, error.Status);
        Assert.False(error.CommandMayHaveStarted);
        Assert.Equal(6, _aks.Runs.Count);
    }

    // Class 5: cancelled before their turn, clusters the journal shows accepted keep their ids.
    [Fact]
    public async Task RunOnFleet_CancelledBeforeAnyTurn_ReportsTheIdsTheJournalKnows()
    {
        using var temp = new Infrastructure.TempFolder();
        var journal = temp.Combine("fleet.jsonl");
        var clusters = Enumerable.Range(0, 4).Select(i => Cluster(SubscriptionA, $"k{i}")).ToList();
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var content = new RunCommandContent("sleep 600");
        using (var first = new CancellationTokenSource())
        {
            var run = Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { MaxParallel = 2, JournalPath = journal }, first.Token));
            await _clock.DriveAsync(run, stopAfter: TimeSpan.FromSeconds(5));
            await first.CancelAsync();
            await _clock.RunAsync(run);
        }

        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        var outcomes = (await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { MaxParallel = 1, JournalPath = journal }, canceled.Token)))).ToDictionary(o => o.Cluster);

        Assert.Equal(4, outcomes.Count);
        var started = _aks.Runs.Where(r => r.CommandId is not null).ToList();
        Assert.Equal(2, started.Count);
        Assert.All(started, r => Assert.Equal((FleetOutcomeKind.WaitStopped, r.CommandId), (outcomes[r.Cluster].Kind, outcomes[r.Cluster].CommandId)));
        Assert.Equal(2, outcomes.Values.Count(o => o.Kind == FleetOutcomeKind.NotStarted && o.CommandId is null));
        Assert.Equal(2, _aks.Runs.Count);
    }

    // Class 5: a consumer that stops reading stops the run: nothing new is sent, the journal gets its lines and is let go.
    [Fact]
    public async Task RunOnFleet_ConsumerStopsReading_NothingMoreIsSentAndTheJournalIsReleased()
    {
        using var temp = new Infrastructure.TempFolder();
        var journal = temp.Combine("fleet.jsonl");
        var clusters = Enumerable.Range(0, 6).Select(i => Cluster(SubscriptionA, $"b{i}")).ToList();
        _aks.Cluster(clusters[0]).When("sleep 20").RunningFor(TimeSpan.FromSeconds(2)).ExitsWith(0);
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var content = new RunCommandContent("sleep 20");

        var first = await _clock.RunAsync(FirstAsync(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { MaxParallel = 2, JournalPath = journal })));

        Assert.Equal(clusters[0], first.Cluster);
        var sent = _aks.Runs.ToList();
        Assert.InRange(sent.Count, 2, 3); // the first two, and perhaps the third that took the freed slot before the consumer left
        var histories = AksRunCommand.Fleets.FleetJournal.ReadOnly(journal, content);
        Assert.All(sent, r => Assert.True(histories[r.Cluster].CommandId == r.CommandId || histories[r.Cluster].Unanswered, $"{r.Cluster.ClusterName}: its request went out, and the journal has neither its id nor its doubt"));
        var again = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { MaxParallel = 6, JournalPath = journal })));
        Assert.Equal(6, again.Count); // the journal was released; the rerun waits for the started ones and sends nothing twice
        Assert.Equal(6, again.Count(o => o.IsSuccess) + again.Count(o => o.Kind == FleetOutcomeKind.MayHaveStarted));
        Assert.All(_aks.Runs.GroupBy(r => r.Cluster), g => Assert.Single(g)); // no cluster was sent the command twice
        Assert.All(again.Where(o => o.IsSuccess), o => Assert.Single(_aks.Runs, r => r.Cluster == o.Cluster && r.CommandId == o.CommandId));
    }

    // Class 5: a cancel while the cluster token is fetched gives that cluster its outcome; the enumeration ends normally.
    [Fact]
    public async Task RunOnFleet_CancelledWhileTheClusterTokenIsFetched_EveryClusterAnOutcomeNothingSent()
    {
        var credential = new Infrastructure.BlockingCredential("6dae42f8-4368-4678-94ff-3960e28e3630");
        var client = new AksRunCommandClient(credential, new AksRunCommandClientOptions { Endpoint = _aks.Endpoint, TimeProvider = _clock, Transport = _clock.HoldDuringRequests() });
        var clusters = new[] { Cluster(SubscriptionA, "tok0"), Cluster(SubscriptionA, "tok1") };
        using var cancel = new CancellationTokenSource();

        var run = Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("ls") { ClusterToken = ClusterTokenMode.Always }, cancellationToken: cancel.Token));
        await credential.Asked;
        await cancel.CancelAsync();
        var outcomes = await _clock.RunAsync(run);

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(FleetOutcomeKind.NotStarted, o.Kind));
        Assert.Empty(_aks.Runs);
    }

    // Class 5: a cancel during the first ARM token fetch is "not started" (nothing left the process), not "may have started".
    [Fact]
    public async Task RunOnFleet_CancelledWhileTheArmTokenIsFetched_IsNotStartedAndJournaledNotSent()
    {
        using var temp = new Infrastructure.TempFolder();
        var journal = temp.Combine("fleet.jsonl");
        var credential = new Infrastructure.BlockingCredential(_aks.Endpoint.GetLeftPart(UriPartial.Authority));
        var client = new AksRunCommandClient(credential, new AksRunCommandClientOptions { Endpoint = _aks.Endpoint, TimeProvider = _clock, Transport = _clock.HoldDuringRequests() });
        var cluster = Cluster(SubscriptionA, "armtok");
        using var cancel = new CancellationTokenSource();

        var run = Collect(client.RunOnFleetAsync([cluster], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = journal }, cancel.Token));
        await credential.Asked;
        await cancel.CancelAsync();
        var outcome = Assert.Single(await _clock.RunAsync(run));

        Assert.Equal(FleetOutcomeKind.NotStarted, outcome.Kind);
        Assert.Empty(_aks.Runs);
        var attempt = Assert.Single(AksRunCommand.Fleets.FleetJournal.ReadOnly(journal, new RunCommandContent("ls"))[cluster].Attempts.Values);
        Assert.Equal(AksRunCommand.Fleets.AttemptAnswer.NotSent, attempt.Answer);
    }

    private static async Task<FleetOutcome> FirstAsync(IAsyncEnumerable<FleetOutcome> outcomes)
    {
        await foreach (var outcome in outcomes)
        {
            return outcome; // leaves the enumeration: the runner must stop, write what it owes, and let the journal go
        }

        throw new InvalidOperationException("no outcome");
    }

    internal static ClusterId Cluster(Guid subscription, string name) => new(subscription, "rg-" + subscription.ToString()[..4], name);

    internal static async Task<List<FleetOutcome>> Collect(IAsyncEnumerable<FleetOutcome> outcomes)
    {
        var list = new List<FleetOutcome>();
        await foreach (var outcome in outcomes)
        {
            list.Add(outcome);
        }

        return list;
    }

    private sealed class Sync<T>(List<T> seen) : IProgress<T>
    {
        public void Report(T value)
        {
            lock (seen)
            {
                seen.Add(value);
            }
        }
    }
}
