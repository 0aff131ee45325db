using AksRunCommand.Fleets;
using CsCheck;
using Xunit.Abstractions;

namespace AksRunCommand.Tests.Fleets;

// How a rollout divides its clusters into waves, for any count, canary, wave size or cumulative percentages: every
// cluster in exactly one wave, in the order given; the canary first and alone (the first min(canary, n)); no wave
// empty; waves by size hold at most that many (all but the last exactly that many); waves by percentage end at the
// percentage of the rest rounded up, each at least one cluster, the last at all of them.
public sealed class FleetWavesPropertyTests(ITestOutputHelper output)
{
    private static readonly Gen<double[]> Percentages =
        Gen.Double[0.01, 100].Array[0, 6].Select(ps => ps.Select(p => Math.Round(p, 2)).Where(p => p is > 0 and < 100).Distinct().Order().Append(100.0).ToArray());

    private static readonly Gen<(int Count, int Canary, int? Size, double[]? Percentages)> Cases = Gen.Select(
        Gen.Frequency((3, Gen.Int[0, 30]), (1, Gen.Int[31, 500])),
        Gen.Frequency((2, Gen.Const(0)), (1, Gen.Int[1, 40])),
        Gen.Int[0, 2],
        Gen.Int[1, 60],
        Percentages,
        (count, canary, by, size, percentages) => (count, canary, by == 1 ? size : (int?)null, by == 2 ? percentages : null));

    [Fact]
    public void Divide_AnyFleet_EveryClusterOnceInOrderWithTheCanaryFirstAndNoWaveEmpty()
    {
        Cases.Sample(
            c =>
            {
                var clusters = Enumerable.Range(0, c.Count).ToList();

                var waves = FleetWaves.Divide(clusters, c.Canary, c.Size, c.Percentages);

                Assert.Equal(clusters, waves.SelectMany(w => w.Clusters)); // each once, in order
                Assert.All(waves, w => Assert.NotEmpty(w.Clusters));
                var canary = Math.Min(c.Canary, c.Count);
                if (canary > 0)
                {
                    Assert.Equal((0, true, canary), (waves[0].Number, waves[0].IsCanary, waves[0].Clusters.Count));
                }

                var rest = waves.Where(w => !w.IsCanary).ToList();
                Assert.Equal(Enumerable.Range(1, rest.Count), rest.Select(w => w.Number));
                Assert.Equal(canary > 0 ? 1 : 0, waves.Count(w => w.IsCanary));
                var remaining = c.Count - canary;
                if (c.Size is { } size)
                {
                    Assert.Equal((remaining + size - 1) / size, rest.Count);
                    Assert.All(rest.SkipLast(1), w => Assert.Equal(size, w.Clusters.Count));
                }
                else if (c.Percentages is { } percentages)
                {
                    Assert.InRange(rest.Count, remaining == 0 ? 0 : 1, Math.Min(remaining, percentages.Length));
                    var done = 0;
                    foreach (var wave in rest)
                    {
                        done += wave.Clusters.Count;
                        // the wave ends where a percentage's bound (rounded up, at least one more) puts it
                        Assert.Contains(percentages, p => Math.Min(remaining, Math.Max((int)Math.Ceiling(Math.Round(p * remaining / 100, 9)), done - wave.Clusters.Count + 1)) == done);
                    }
                }
                else
                {
                    Assert.Equal(remaining == 0 ? 0 : 1, rest.Count);
                }
            },
            writeLine: output.WriteLine,
            iter: 5000,
            print: c => $"{c.Count} cluster(s), canary {c.Canary}, size {c.Size?.ToString() ?? "-"}, waves {(c.Percentages is null ? "-" : string.Join(",", c.Percentages))}");
    }

    // 10 % of 14 is 2 (rounded up, so a small percentage still runs one cluster), 30 % is 5, then the rest.
    [Fact]
    public void Divide_CumulativePercentages_RoundUpAndEndWithTheRest()
    {
        var waves = FleetWaves.Divide(Enumerable.Range(0, 16).ToList(), 2, null, [10, 30, 100]);

        Assert.Equal([2, 2, 3, 9], waves.Select(w => w.Clusters.Count));
        Assert.Equal([0, 1, 2, 3], waves.Select(w => w.Number));
    }
}
