using System.Collections.Concurrent;
using AksRunCommand.Testing;
using Azure;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// One command on 1,000 clusters in 4 subscriptions, commands lasting 5-120 s (seeded uniform), against the fake
/// AKS throttling at ARM's documented token-bucket rates, in virtual time (<see cref="ManualClock"/>):
/// the fleet API (all clusters in flight, one scheduler, the default budget) next to the naive loop
/// (independent operations on the default schedule with no shared budget, as separate scripts would be) and
/// next to a bound computed from the budget itself.
/// </summary>
public static class FleetBenchmark
{
    public const int Subscriptions = 4;

    public sealed record Figures(double TotalSeconds, int Throttled, double MeanLag, double P95Lag, double RequestsPerCommand, int Succeeded);

    public static IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> Fleet(int clusters, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, clusters).Select(i => (
            new ClusterId($"{i % Subscriptions + 1:x8}-0000-0000-0000-000000000000", "fleet", $"aks-{i:d4}"),
            TimeSpan.FromSeconds(5 + random.NextDouble() * 115)))];
    }

    /// <summary>The fleet API: every cluster in flight at once (MaxParallel = the fleet), the client's default budget.</summary>
    public static Task<Figures> FleetApiAsync(IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> fleet) =>
        MeasureAsync(fleet, budget: true, async (client, clock, known) =>
        {
            var options = new FleetRunOptions { MaxParallel = fleet.Count };
            await foreach (var outcome in client.RunOnFleetAsync(fleet.Select(f => f.Cluster), new RunCommandContent("kubectl get nodes"), options))
            {
                known[outcome.Cluster] = (clock.Elapsed, outcome.IsSuccess);
            }
        });

    /// <summary>The naive loop: one operation per cluster, all at once, each on its own default schedule, no shared budget.</summary>
    public static Task<Figures> NaiveAsync(IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> fleet) =>
        MeasureAsync(fleet, budget: false, (client, clock, known) => Task.WhenAll(fleet.Select(async f =>
        {
            try
            {
                var operation = await client.RunCommandAsync(WaitUntil.Completed, f.Cluster, new RunCommandContent("kubectl get nodes"));
                known[f.Cluster] = (clock.Elapsed, operation.Value.ExitCode == 0);
            }
            catch (RequestFailedException)
            {
                known[f.Cluster] = (clock.Elapsed, false);
            }
        })));

    /// <summary>
    /// What ARM's budget allows at best, computed: POSTs at the write rate (burst, then refill), longest command
    /// first; two requests per command (the POST and the GET that sees it finished); no 429; and a poller that
    /// cannot know finish times sharing the read rate evenly over the commands running in its subscription, so a
    /// command's lag is half the interval that share leaves (at least half a second at one GET a second).
    /// </summary>
    public static Figures Bound(IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> fleet, FakeArmThrottling arm)
    {
        var lags = new List<double>();
        double total = 0;
        foreach (var subscription in fleet.GroupBy(f => f.Cluster.SubscriptionId))
        {
            var ordered = subscription.Select(f => f.Duration.TotalSeconds).OrderDescending().ToList();
            var finishes = new List<double>(ordered.Count);
            for (var i = 0; i < ordered.Count; i++)
            {
                var start = i < arm.WriteCapacity ? 0 : (i - arm.WriteCapacity + 1) / arm.WritesPerSecond;
                finishes.Add(start + ordered[i]);
            }

            finishes.Sort();
            for (var i = 0; i < finishes.Count; i++)
            {
                var running = finishes.Count - i; // this one and those finishing later
                lags.Add(Math.Max(1.0, running / arm.ReadsPerSecond) / 2);
            }

            total = Math.Max(total, finishes[^1] + lags[^1]);
        }

        lags.Sort();
        return new Figures(total, 0, lags.Average(), lags[(int)Math.Ceiling(lags.Count * 0.95) - 1], 2, fleet.Count);
    }

    private static async Task<Figures> MeasureAsync(
        IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> fleet,
        bool budget,
        Func<AksRunCommandClient, ManualClock, ConcurrentDictionary<ClusterId, (TimeSpan At, bool Ok)>, Task> run)
    {
        var clock = new ManualClock();
        using var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = clock, Throttling = FakeArmThrottling.TokenBucketScheme });
        foreach (var (cluster, duration) in fleet)
        {
            fake.Cluster(cluster).When("kubectl get nodes").RunningFor(duration).ExitsWith(0, "node-1 Ready\n");
        }

        var accepted = new ConcurrentDictionary<ClusterId, TimeSpan>();
        var client = fake.CreateClient(o =>
        {
            o.TimeProvider = clock;
            o.RequestBudget.Enabled = budget;
            o.Transport = clock.HoldDuringRequests(new AcceptTimes(clock, accepted));
        });
        var known = new ConcurrentDictionary<ClusterId, (TimeSpan At, bool Ok)>();
        await clock.DriveAsync(run(client, clock, known));

        var lags = new List<double>();
        foreach (var (cluster, duration) in fleet)
        {
            if (known.TryGetValue(cluster, out var k) && k.Ok && accepted.TryGetValue(cluster, out var at))
            {
                lags.Add(Math.Max(0, (k.At - at - duration).TotalSeconds));
            }
        }

        lags.Sort();
        var throttled = fake.Runs.Count(r => r.Status == 429) + fake.Polls.Count(p => p.Status == 429);
        var requests = fake.Runs.Count + fake.Polls.Count;
        return new Figures(
            clock.Elapsed.TotalSeconds,
            throttled,
            lags.Count == 0 ? double.NaN : lags.Average(),
            lags.Count == 0 ? double.NaN : lags[(int)Math.Ceiling(lags.Count * 0.95) - 1],
            requests / (double)fleet.Count,
            lags.Count);
    }

    // When the fake accepted each cluster's POST, on the virtual clock (the clock is held while a request is out).
    private sealed class AcceptTimes(ManualClock clock, ConcurrentDictionary<ClusterId, TimeSpan> accepted)
        : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && (int)response.StatusCode == 202)
            {
                var path = request.RequestUri!.AbsolutePath;
                accepted.TryAdd(ClusterId.Parse(Uri.UnescapeDataString(path[..path.LastIndexOf('/')])), clock.Elapsed);
            }

            return response;
        }
    }
}
