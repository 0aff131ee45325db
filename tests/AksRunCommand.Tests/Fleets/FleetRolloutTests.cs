using AksRunCommand.Fleets;
using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;

namespace AksRunCommand.Tests.Fleets;

// Rollout control on the wire (the rules over generated fleets: FleetRolloutPropertyTests): what the journal records
// of waves and stops and how a rerun continues, the pause on the injected clock, the preflight's reads, and a plan
// that sends nothing.
public sealed class FleetRolloutTests : IDisposable
{
    private const string Command = "kubectl apply -f app.yaml";
    private static readonly Guid Subscription = Guid.Parse("cccccccc-0000-4000-8000-000000000003");
    private readonly ManualClock _clock = new();
    private readonly FakeAks _aks;
    private readonly TempFolder _temp = new();

    public FleetRolloutTests()
    {
        _aks = FakeAks.Start(new FakeAksOptions { TimeProvider = _clock });
    }

    public void Dispose()
    {
        _aks.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task CanaryFails_TheRestAreNotStartedWithTheReason_TheJournalSaysSo_AndARerunStartsOnlyThem()
    {
        var clusters = Clusters(5);
        _aks.Cluster(clusters[1]).When(Command).RunningFor(1).ExitsWith(1, "error: webhook denied\n");
        var journal = _temp.Combine("rollout.jsonl");
        var content = new RunCommandContent(Command);
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var first = (await _clock.RunAsync(FleetRunTests.Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { Canary = 2, JournalPath = journal })))).ToDictionary(o => o.Cluster);

        Assert.Equal(FleetOutcomeKind.Succeeded, first[clusters[0]].Kind);
        Assert.Equal(FleetOutcomeKind.NonZeroExit, first[clusters[1]].Kind);
        Assert.All(clusters.Skip(2), c => Assert.Equal(FleetOutcomeKind.NotStarted, first[c].Kind));
        Assert.All(clusters.Skip(2), c => Assert.Equal("the canary failed: c1 ended NonZeroExit", first[c].StopReason));
        Assert.All(clusters.Skip(2), c => Assert.Equal("the rollout stopped (the canary failed: c1 ended NonZeroExit) before this cluster's turn; nothing was sent", first[c].ErrorLine));
        Assert.Equal(["c0", "c1"], _aks.Runs.Select(r => r.Cluster.ClusterName).Order());
        Assert.Equal("the canary failed: c1 ended NonZeroExit", FleetSummary.Of(first.Values).StopReason);
        var lines = File.ReadAllLines(journal);
        Assert.Single(lines, l => l.Contains("\"type\":\"wave\"", StringComparison.Ordinal) && l.Contains("\"wave\":0", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("\"type\":\"stop\"", StringComparison.Ordinal) && l.Contains("the canary failed: c1 ended NonZeroExit", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("\"wave\":1", StringComparison.Ordinal));

        // The canary's failure fixed, the same journal: what finished is reported from it, the rest start, nothing twice.
        var again = (await _clock.RunAsync(FleetRunTests.Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { JournalPath = journal })))).ToDictionary(o => o.Cluster);

        Assert.True(again[clusters[0]].FromJournal);
        Assert.Equal(FleetOutcomeKind.NonZeroExit, again[clusters[1]].Kind); // a finished failure is never run twice by a rerun
        Assert.True(again[clusters[1]].FromJournal);
        Assert.All(clusters.Skip(2), c => Assert.Equal(FleetOutcomeKind.Succeeded, again[c].Kind));
        Assert.All(clusters, c => Assert.Single(_aks.Runs, r => r.Cluster == c));
        Assert.Null(FleetSummary.Of(again.Values).StopReason);
    }

    [Fact]
    public async Task FailureBudget_Exceeded_NothingNewStarts_RunningCommandsAreWaitedFor()
    {
        var clusters = Clusters(6);
        _aks.Cluster(clusters[0]).When(Command).RunningFor(1).ExitsWith(1, "no\n");
        _aks.Cluster(clusters[1]).When(Command).RunningFor(10).ExitsWith(0, "slow but fine\n"); // still running at the stop
        _aks.Cluster(clusters[2]).When(Command).RunningFor(1).ExitsWith(1, "no\n");
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var options = new FleetRunOptions { MaxParallel = 3, WaveSize = 3, FailureBudget = FleetFailureBudget.PercentOfClusters(20) }; // 20 % of 6: 1 allowed

        var outcomes = (await _clock.RunAsync(FleetRunTests.Collect(client.RunOnFleetAsync(clusters, new RunCommandContent(Command), options)))).ToDictionary(o => o.Cluster);

        Assert.Equal(FleetOutcomeKind.Succeeded, outcomes[clusters[1]].Kind); // waited for, not abandoned
        Assert.Equal(3, _aks.Runs.Count);
        Assert.All(clusters.Skip(3), c => Assert.Equal(FleetOutcomeKind.NotStarted, outcomes[c].Kind));
        Assert.All(clusters.Skip(3), c => Assert.Equal("the failure budget was exceeded: 2 cluster(s) failed, 1 allowed (20% of 6)", outcomes[c].StopReason));
    }

    [Fact]
    public async Task WavePause_TheNextWaveStartsOnlyWhenThePausePassedOnTheInjectedClock()
    {
        var clusters = Clusters(2);
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var run = FleetRunTests.Collect(client.RunOnFleetAsync(clusters, new RunCommandContent(Command), new FleetRunOptions { WaveSize = 1, WavePause = TimeSpan.FromMinutes(10) }));

        await _clock.DriveAsync(run, stopAfter: TimeSpan.FromMinutes(9));

        Assert.False(run.IsCompleted);
        Assert.Equal([clusters[0]], _aks.Runs.Select(r => r.Cluster));

        var outcomes = await _clock.RunAsync(run);

        Assert.All(outcomes, o => Assert.Equal(FleetOutcomeKind.Succeeded, o.Kind));
        Assert.Equal(clusters, _aks.Runs.Select(r => r.Cluster));
        Assert.InRange(_clock.Elapsed, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task Preflight_A404SkipsWithNothingSent_AnotherReadFailureLeavesItToTheRunRequest()
    {
        var clusters = Clusters(3);
        _aks.Cluster(clusters[0]).DoesNotExist();
        _aks.Cluster(clusters[1]).RunCommandDisabled();
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        _aks.OnClusterReads(FakeFault.ArmError(403, "AuthorizationFailed", "The client has no read permission.")); // one read refused: not a reason to skip

        var outcomes = (await _clock.RunAsync(FleetRunTests.Collect(client.RunOnFleetAsync(clusters, new RunCommandContent(Command), new FleetRunOptions { Preflight = true, MaxParallel = 1 })))).ToDictionary(o => o.Cluster);

        Assert.Equal(3, _aks.ClusterReads.Count);
        var refusedRead = clusters.Single(c => c.ClusterName == _aks.ClusterReads.Single(r => r.Status == 403).ClusterName);
        Assert.Equal(new[] { refusedRead, clusters[2] }.Select(c => c.ClusterName).Distinct().Order(), _aks.Runs.Select(r => r.Cluster.ClusterName).Order()); // its read failed: the run request decides
        Assert.Equal(FleetOutcomeKind.Succeeded, outcomes[clusters[2]].Kind);
        foreach (var skipped in clusters.Take(2).Where(c => c != refusedRead))
        {
            Assert.Equal(FleetOutcomeKind.Skipped, outcomes[skipped].Kind);
            Assert.EndsWith("; nothing was sent", outcomes[skipped].ErrorLine, StringComparison.Ordinal);
        }

        if (refusedRead != clusters[0])
        {
            Assert.Equal("not found: ARM answered a GET of the cluster with HTTP 404 ResourceNotFound; nothing was sent", outcomes[clusters[0]].ErrorLine);
        }
    }

    [Fact]
    public async Task PlanFleet_DecidesTheWavesAndSkips_WithNoRunRequestAndNoJournalWritten()
    {
        var clusters = Clusters(8);
        _aks.Cluster(clusters[3]).Stopped();
        var journal = _temp.Combine("plan.jsonl");
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var plan = await _clock.RunAsync(client.PlanFleetAsync(clusters, new RunCommandContent(Command), new FleetRunOptions { Preflight = true, Canary = 1, Waves = [50, 100], JournalPath = journal }));

        Assert.Empty(_aks.Runs);
        Assert.False(File.Exists(journal));
        Assert.Equal(clusters[3], Assert.Single(plan.Skipped).Cluster);
        Assert.Equal([(0, 1), (1, 3), (2, 3)], plan.Waves.Select(w => (w.Number, w.Clusters.Count)));
        Assert.All(plan.Waves.SelectMany(w => w.Clusters), e => Assert.Equal(FleetPlanAction.Run, e.Action));
        Assert.Equal(8, plan.Total);
    }

    private static List<ClusterId> Clusters(int count) => [.. Enumerable.Range(0, count).Select(i => new ClusterId(Subscription, "rg", $"c{i}"))];
}
