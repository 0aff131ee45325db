using AksRunCommand.Fleets;
using AksRunCommand.Testing;
using CsCheck;
using Xunit.Abstractions;

namespace AksRunCommand.Tests.Fleets;

// A model-based property of rollout control, over real HTTP to the fake ARM on a manual clock: any fleet (some
// clusters failing, some stopped), any canary, waves by size or percentage, failure budget by count or percentage,
// --strict or not, a pause or none. The model runs the waves in order: a wave starts only while the rollout has not
// stopped; a failing canary stops it; so do failures past the budget (skips count under SkippedIsFailure). For every
// case: run requests went to exactly the clusters of the waves the model started, never to a skipped one; every
// cluster has exactly one outcome, of the kind the model says, in its wave; the clusters not started carry the stop's
// reason, and so does the summary; a wave's clusters never start before the one before it finished and the pause
// passed (the fake's request order and the clock's steps show it).
public sealed class FleetRolloutPropertyTests(ITestOutputHelper output)
{
    private const string Command = "kubectl apply -f app.yaml";

    private static readonly Gen<RolloutCase> Cases = Gen.Select(
        Gen.Frequency((3, Gen.Const(ClusterCase.Succeeds)), (1, Gen.Const(ClusterCase.Fails)), (1, Gen.Const(ClusterCase.Stopped))).Array[1, 10],
        Gen.Frequency((2, Gen.Const(0)), (1, Gen.Int[1, 3])),
        Gen.Int[0, 2].Select(Gen.Int[1, 4], Gen.Double[1, 99].Array[0, 2], (by, size, ps) => (by, size, ps)),
        Gen.Int[0, 2].Select(Gen.Int[0, 3], Gen.Int[0, 60], (kind, count, percent) => (kind, count, percent)),
        Gen.Bool,
        Gen.Bool,
        Gen.Int,
        (clusters, canary, division, budget, strict, pause, seed) => new RolloutCase(
            clusters,
            canary,
            division.by == 1 ? division.size : null,
            division.by == 2 ? [.. division.ps.Select(p => Math.Round(p)).Where(p => p is > 0 and < 100).Distinct().Order(), 100] : null,
            budget.kind switch { 1 => FleetFailureBudget.Failures(budget.count), 2 => FleetFailureBudget.PercentOfClusters(budget.percent), _ => null },
            strict,
            pause ? TimeSpan.FromMinutes(5) : TimeSpan.Zero,
            seed));

    [Fact]
    public async Task Rollout_AnyFleetAndControls_StartsWhatTheModelStartsAndStopsWhereItStops()
    {
        await Cases.SampleAsync(CheckAsync, writeLine: output.WriteLine, iter: 500, threads: 2, print: c => c.ToString());
    }

    private static async Task CheckAsync(RolloutCase c)
    {
        var clock = new ManualClock();
        using var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = clock });
        var subscription = new Guid(c.Seed, 0, 0, [0x80, 0, 0, 0, 0, 0, 0, 2]);
        var clusters = c.Clusters.Select((_, i) => new ClusterId(subscription, "rg", $"c{i}")).ToList();
        for (var i = 0; i < clusters.Count; i++)
        {
            var script = fake.Cluster(clusters[i]).When(Command).RunningFor(1); // every outcome needs a poll: a wave starts whole
            _ = c.Clusters[i] switch
            {
                ClusterCase.Fails => script.ExitsWith(2, "error: no\n"),
                _ => script.ExitsWith(0, "applied\n"),
            };
            if (c.Clusters[i] == ClusterCase.Stopped)
            {
                fake.Cluster(clusters[i]).Stopped();
            }
        }

        var options = new FleetRunOptions { MaxParallel = 20, Preflight = true, SkippedIsFailure = c.Strict, Canary = c.Canary, WavePause = c.Pause, FailureBudget = c.Budget };
        if (c.WaveSize is { } size)
        {
            options.WaveSize = size;
        }

        options.Waves = c.Percentages;
        var client = fake.CreateClient(o => o.TimeProvider = clock);

        var outcomes = await clock.RunAsync(FleetRunTests.Collect(client.RunOnFleetAsync(clusters, new RunCommandContent(Command), options)));

        // The model.
        var runnable = clusters.Where((_, i) => c.Clusters[i] != ClusterCase.Stopped).ToList();
        var waves = FleetWaves.Divide(runnable, c.Canary, c.WaveSize, c.Percentages);
        var allowed = c.Budget?.AllowedOf(clusters.Count);
        var failures = c.Strict ? c.Clusters.Count(k => k == ClusterCase.Stopped) : 0;
        var stopped = allowed is { } a0 && failures > a0;
        var started = new HashSet<ClusterId>();
        var waveOf = new Dictionary<ClusterId, int>();
        foreach (var wave in waves)
        {
            wave.Clusters.ToList().ForEach(x => waveOf[x] = wave.Number);
            if (stopped)
            {
                continue;
            }

            started.UnionWith(wave.Clusters);
            var failed = wave.Clusters.Count(x => c.Clusters[clusters.IndexOf(x)] == ClusterCase.Fails);
            failures += failed;
            stopped = (wave.IsCanary && failed > 0) || (allowed is { } a && failures > a);
        }

        // The run requests: exactly the started clusters, once each.
        Assert.Equal(started.OrderBy(x => x.ClusterName), fake.Runs.Select(r => r.Cluster).OrderBy(x => x.ClusterName));
        Assert.Equal(clusters.Count, outcomes.Count);
        Assert.Equal(clusters.Count, outcomes.Select(o => o.Cluster).Distinct().Count());
        foreach (var outcome in outcomes)
        {
            var i = clusters.IndexOf(outcome.Cluster);
            var expected = c.Clusters[i] == ClusterCase.Stopped ? FleetOutcomeKind.Skipped
                : !started.Contains(outcome.Cluster) ? FleetOutcomeKind.NotStarted
                : c.Clusters[i] == ClusterCase.Fails ? FleetOutcomeKind.NonZeroExit
                : FleetOutcomeKind.Succeeded;
            Assert.True(expected == outcome.Kind, $"{outcome.Cluster.ClusterName}: {outcome.Kind}, the model says {expected}");
            Assert.Equal(waveOf.TryGetValue(outcome.Cluster, out var w) ? w : null, outcome.Wave);
            if (expected == FleetOutcomeKind.NotStarted)
            {
                Assert.NotNull(outcome.StopReason);
                Assert.Contains(outcome.StopReason, outcome.ErrorLine, StringComparison.Ordinal);
            }
        }

        var summary = FleetSummary.Of(outcomes, c.Strict);
        Assert.Equal(started.Count < runnable.Count, summary.StopReason is not null); // a stop with nothing left to stop is not reported
        Assert.Equal(failures == 0 && started.Count == runnable.Count, summary.AllSucceeded);

        // Waves in order: every run request of a wave after every one of the wave before (the fake records them in order).
        var order = fake.Runs.Select(r => waveOf[r.Cluster]).ToList();
        Assert.Equal(order.Order(), order);
        if (c.Pause > TimeSpan.Zero)
        {
            var pauses = clock.Advanced.Count(d => d >= c.Pause - TimeSpan.FromSeconds(1));
            Assert.True(pauses >= waves.Count(w => w.Clusters.Any(started.Contains)) - 1, $"{pauses} pause(s) on the clock for {order.Distinct().Count()} wave(s) started");
        }
    }

    public enum ClusterCase
    {
        Succeeds,
        Fails,
        Stopped,
    }

    public sealed record RolloutCase(ClusterCase[] Clusters, int Canary, int? WaveSize, double[]? Percentages, FleetFailureBudget? Budget, bool Strict, TimeSpan Pause, int Seed)
    {
        public override string ToString() =>
            $"seed {Seed}; clusters {string.Join(",", Clusters.Select(k => k switch { ClusterCase.Fails => "fails", ClusterCase.Stopped => "stopped", _ => "ok" }))}; canary {Canary}; size {WaveSize?.ToString() ?? "-"}; waves {(Percentages is null ? "-" : string.Join(",", Percentages))}; budget {Budget?.ToString() ?? "-"}; strict {Strict}; pause {Pause}";
    }
}
