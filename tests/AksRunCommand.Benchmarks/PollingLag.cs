using AksRunCommand.Testing;
using Azure;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// Detection lag with virtual time: the real client polls the fake AKS over loopback on a <see cref="ManualClock"/>,
/// and each command finishes at a virtual time drawn (seeded, uniform) off the 1 s grid, so no schedule gets a lag
/// of 0 by construction. Lag = when the client knew - when the command finished (no network latency in virtual
/// time; a real GET adds its round trip to every schedule alike).
/// </summary>
public static class PollingLag
{
    public static IReadOnlyList<(string Name, PollingStrategy Strategy)> Schedules { get; } =
    [
        ("default", PollingStrategy.Default),
        ("az-5s", PollingStrategy.Fixed(TimeSpan.FromSeconds(5))),
        ("arm-seq", PollingStrategy.Sequence([.. new[] { 1, 1, 1, 2, 4, 8, 16, 32 }.Select(s => TimeSpan.FromSeconds(s))])),
    ];

    public sealed record Figures(double MeanLag, double P95Lag, double GetsPerCommand);

    /// <summary>Finish times uniform in [from, to) seconds, seeded.</summary>
    public static IReadOnlyList<double> FinishTimes(int count, double from, double to, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => from + random.NextDouble() * (to - from))];
    }

    public static async Task<Figures> MeasureAsync(PollingStrategy strategy, IReadOnlyList<double> finishSeconds, string schedule)
    {
        var clock = new ManualClock();
        using var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = clock });
        var client = fake.CreateClient(o => { o.TimeProvider = clock; o.Polling = strategy; });
        var cluster = new ClusterId("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
        var lags = new List<double>(finishSeconds.Count);
        for (var i = 0; i < finishSeconds.Count; i++)
        {
            var command = $"job-{schedule}-{i}";
            fake.When(command).RunningFor(TimeSpan.FromSeconds(finishSeconds[i])).ExitsWith(0);
            var start = clock.Elapsed;
            await clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, cluster, new RunCommandContent(command)));
            lags.Add((clock.Elapsed - start).TotalSeconds - finishSeconds[i]);
        }

        lags.Sort();
        return new Figures(lags.Average(), lags[(int)Math.Ceiling(lags.Count * 0.95) - 1], fake.Polls.Count / (double)finishSeconds.Count);
    }
}
