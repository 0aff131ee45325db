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

    public sealed record Figures(double TotalSeconds, int Throttled, double MeanLag, double P95Lag, double RequestsPerCommand, int Succeeded, int Requests = 0, double LastRunSeconds = 0)
    {
        /// <summary>429s as a share of all requests, in percent.</summary>
        public double ThrottledPercent => Requests == 0 ? 0 : 100.0 * Throttled / Requests;

        /// <summary>key=value pairs, for a child process's one line.</summary>
        public override string ToString() => FormattableString.Invariant(
            $"total-s={TotalSeconds} throttled={Throttled} requests={Requests} throttled-pct={ThrottledPercent} mean-lag-s={MeanLag} p95-lag-s={P95Lag} requests-per-command={RequestsPerCommand} succeeded={Succeeded} first-run-s={TotalSeconds} last-run-s={LastRunSeconds}");
    }

    /// <summary>The commands of one fleet run take alike: lognormal around a median of 20 s (a spread of about a factor 1.35).</summary>
    public static IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> ClusteredFleet(int clusters, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, clusters).Select(i =>
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return (new ClusterId($"{i % Subscriptions + 1:x8}-0000-0000-0000-000000000000", "fleet", $"aks-{i:d4}"), TimeSpan.FromSeconds(20 * Math.Exp(0.3 * normal)));
        })];
    }

    /// <summary>
    /// The fleet API (every cluster in flight, the default budget) against the resource provider's limit (60 burst, 1 a
    /// second per subscription for run requests and polls together, 429s without remaining headers), with
    /// <paramref name="runs"/> runs of different commands on the same clusters at once (each its own client, one principal).
    /// </summary>
    public static Task<Figures> ProviderLimitAsync(IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> fleet, int runs = 1) =>
        MeasureAsync(fleet, budget: true, runs, ProviderLimit, async (client, clock, known, command) =>
        {
            var options = new FleetRunOptions { MaxParallel = fleet.Count };
            await foreach (var outcome in client.RunOnFleetAsync(fleet.Select(f => f.Cluster), new RunCommandContent(command), options))
            {
                known[(outcome.Cluster, command)] = (clock.Elapsed, outcome.IsSuccess);
            }
        });

    /// <summary>AKS's documented quota for "all other APIs" only: run requests and polls of a subscription share 60 burst, 1 a second; no remaining headers.</summary>
    public static FakeArmThrottling ProviderLimit => new()
    {
        ReadCapacity = 100_000, ReadsPerSecond = 10_000, WriteCapacity = 100_000, WritesPerSecond = 10_000, RemainingHeaders = false,
        ProviderCapacity = 60, ProviderPerSecond = 1,
    };

    /// <summary>
    /// What the resource provider's limit allows at best, computed per subscription: each command needs at least two
    /// requests (its run request and the poll that sees it finished) through one bucket of <paramref name="burst"/>
    /// tokens refilled at <paramref name="perSecond"/>; and no run ends before its longest command has run.
    /// </summary>
    public static Figures ProviderBound(IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> fleet, int runs, int burst = 60, double perSecond = 1)
    {
        double total = 0;
        foreach (var subscription in fleet.GroupBy(f => f.Cluster.SubscriptionId))
        {
            var requests = 2.0 * subscription.Count() * runs;
            total = Math.Max(total, Math.Max((requests - burst) / perSecond, subscription.Max(f => f.Duration.TotalSeconds)));
        }

        return new Figures(total, 0, double.NaN, double.NaN, 2, fleet.Count * runs, fleet.Count * runs * 2, total);
    }

    public static IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> Fleet(int clusters, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, clusters).Select(i => (
            new ClusterId($"{i % Subscriptions + 1:x8}-0000-0000-0000-000000000000", "fleet", $"aks-{i:d4}"),
            TimeSpan.FromSeconds(5 + random.NextDouble() * 115)))];
    }

    /// <summary>The fleet API: every cluster in flight at once (MaxParallel = the fleet), the client's default budget.</summary>
    public static Task<Figures> FleetApiAsync(IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> fleet) =>
        MeasureAsync(fleet, budget: true, runs: 1, FakeArmThrottling.TokenBucketScheme, async (client, clock, known, command) =>
        {
            var options = new FleetRunOptions { MaxParallel = fleet.Count };
            await foreach (var outcome in client.RunOnFleetAsync(fleet.Select(f => f.Cluster), new RunCommandContent(command), options))
            {
                known[(outcome.Cluster, command)] = (clock.Elapsed, outcome.IsSuccess);
            }
        });

    /// <summary>The naive loop: one operation per cluster, all at once, each on its own default schedule, no shared budget.</summary>
    public static Task<Figures> NaiveAsync(IReadOnlyList<(ClusterId Cluster, TimeSpan Duration)> fleet) =>
        MeasureAsync(fleet, budget: false, runs: 1, FakeArmThrottling.TokenBucketScheme, (client, clock, known, command) => Task.WhenAll(fleet.Select(async f =>
        {
            try
            {
                var operation = await client.RunCommandAsync(WaitUntil.Completed, f.Cluster, new RunCommandContent(command));
                known[(f.Cluster, command)] = (clock.Elapsed, operation.Value.ExitCode == 0);
            }
            catch (RequestFailedException)
            {
                known[(f.Cluster, command)] = (clock.Elapsed, false);
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
        int runs,
        FakeArmThrottling throttling,
        Func<AksRunCommandClient, ManualClock, ConcurrentDictionary<(ClusterId, string), (TimeSpan At, bool Ok)>, string, Task> run)
    {
        var clock = new ManualClock();
        using var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = clock, Throttling = throttling });
        var commands = Enumerable.Range(0, runs).Select(r => r == 0 ? "kubectl get nodes" : $"kubectl get pods -n team-{r}").ToList();
        foreach (var (cluster, duration) in fleet)
        {
            foreach (var command in commands)
            {
                fake.Cluster(cluster).When(command).RunningFor(duration).ExitsWith(0, "node-1 Ready\n");
            }
        }

        var accepted = new ConcurrentDictionary<(ClusterId, string), TimeSpan>();
        var known = new ConcurrentDictionary<(ClusterId, string), (TimeSpan At, bool Ok)>();
        var ends = new ConcurrentBag<double>();
        await clock.DriveAsync(Task.WhenAll(commands.Select(async command =>
        {
            var client = fake.CreateClient(o =>
            {
                o.TimeProvider = clock;
                o.RequestBudget.Enabled = budget;
                o.Transport = clock.HoldDuringRequests(new AcceptTimes(clock, accepted));
            });
            await run(client, clock, known, command);
            ends.Add(clock.Elapsed.TotalSeconds);
        })));

        var lags = new List<double>();
        foreach (var (cluster, duration) in fleet)
        {
            foreach (var command in commands)
            {
                if (known.TryGetValue((cluster, command), out var k) && k.Ok && accepted.TryGetValue((cluster, command), out var at))
                {
                    lags.Add(Math.Max(0, (k.At - at - duration).TotalSeconds));
                }
            }
        }

        lags.Sort();
        var throttled = fake.Runs.Count(r => r.Status == 429) + fake.Polls.Count(p => p.Status == 429);
        var requests = fake.Runs.Count + fake.Polls.Count;
        return new Figures(
            ends.Min(),
            throttled,
            lags.Count == 0 ? double.NaN : lags.Average(),
            lags.Count == 0 ? double.NaN : lags[(int)Math.Ceiling(lags.Count * 0.95) - 1],
            requests / (double)(fleet.Count * runs),
            lags.Count,
            requests,
            ends.Max());
    }

    // When the fake accepted each cluster's POST, on the virtual clock (the clock is held while a request is out).
    private sealed class AcceptTimes(ManualClock clock, ConcurrentDictionary<(ClusterId, string), TimeSpan> accepted)
        : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var command = request.Method == HttpMethod.Post ? System.Text.Json.JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("command").GetString()! : null;
            var response = await base.SendAsync(request, cancellationToken);
            if (command is not null && (int)response.StatusCode == 202)
            {
                var path = request.RequestUri!.AbsolutePath;
                accepted.TryAdd((ClusterId.Parse(Uri.UnescapeDataString(path[..path.LastIndexOf('/')])), command), clock.Elapsed);
            }

            return response;
        }
    }
}
