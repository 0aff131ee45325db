using System.Diagnostics;
using AksRunCommand.Testing;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// 1,000 clusters in 4 subscriptions on the real clock over loopback, commands lasting 5-30 s (seeded), the fake
/// AKS throttling at ARM's token-bucket rates, through <c>RunOnFleetAsync</c> with every cluster in flight. The
/// fake runs in this process, so peak working set and CPU are the client's and the fake's together (an upper bound
/// for the client).
/// </summary>
public static class FleetRealClock
{
    public static async Task<string> RunAsync(int clusters)
    {
        var random = new Random(clusters);
        using var fake = FakeAks.Start(new FakeAksOptions { Throttling = FakeArmThrottling.TokenBucketScheme });
        var fleet = Enumerable.Range(0, clusters)
            .Select(i => new ClusterId($"{i % FleetBenchmark.Subscriptions + 1:x8}-0000-0000-0000-000000000000", "fleet", $"aks-{i:d4}"))
            .ToList();
        foreach (var cluster in fleet)
        {
            fake.Cluster(cluster).When("kubectl get nodes").RunningFor(TimeSpan.FromSeconds(5 + random.NextDouble() * 25)).ExitsWith(0, "node-1 Ready\n");
        }

        var client = fake.CreateClient();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var succeeded = 0;
        await foreach (var outcome in client.RunOnFleetAsync(fleet, new RunCommandContent("kubectl get nodes"), new FleetRunOptions { MaxParallel = clusters }))
        {
            succeeded += outcome.IsSuccess ? 1 : 0;
        }

        watch.Stop();
        self.Refresh();
        return FormattableString.Invariant($"wall-ms={watch.Elapsed.TotalMilliseconds:0} cpu-ms={(self.TotalProcessorTime - cpuBefore).TotalMilliseconds:0} peak-ws-bytes={self.PeakWorkingSet64} succeeded={succeeded} throttled={fake.Runs.Count(r => r.Status == 429) + fake.Polls.Count(p => p.Status == 429)}");
    }
}
