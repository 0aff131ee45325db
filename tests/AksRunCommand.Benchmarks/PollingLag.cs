using AksRunCommand.Testing;
using Azure;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// Detection lag with virtual time: the real client polls the fake AKS over loopback on a <see cref="ManualClock"/>,
/// and the command finishes at a set virtual time. Lag = when the client knew - when the command finished (no
/// network latency in virtual time; a real GET adds its round trip).
/// </summary>
public static class PollingLag
{
    public static IReadOnlyList<(string Name, PollingStrategy Strategy)> Schedules { get; } =
    [
        ("default", PollingStrategy.Default),
        ("az-5s", PollingStrategy.Fixed(TimeSpan.FromSeconds(5))),
        ("arm-seq", PollingStrategy.Sequence([.. new[] { 1, 1, 1, 2, 4, 8, 16, 32 }.Select(s => TimeSpan.FromSeconds(s))])),
    ];

    public static async Task<(double LagSeconds, int Gets)> MeasureAsync(PollingStrategy strategy, IReadOnlyList<double> finishSeconds, string schedule)
    {
        var clock = new ManualClock();
        using var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = clock });
        var client = fake.CreateClient(o => { o.TimeProvider = clock; o.Polling = strategy; });
        var cluster = new ClusterId("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
        double totalLag = 0;
        for (var i = 0; i < finishSeconds.Count; i++)
        {
            var command = $"job-{schedule}-{i}";
            fake.When(command).RunningFor(TimeSpan.FromSeconds(finishSeconds[i])).ExitsWith(0);
            var start = clock.Elapsed;
            await clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, cluster, new RunCommandContent(command)));
            totalLag += (clock.Elapsed - start).TotalSeconds - finishSeconds[i];
        }

        return (totalLag / finishSeconds.Count, fake.Polls.Count);
    }
}
