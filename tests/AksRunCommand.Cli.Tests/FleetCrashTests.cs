using System.Diagnostics;
using System.Text.Json;
using AksRunCommand.Testing;
using Xunit.Abstractions;

namespace AksRunCommand.Cli.Tests;

// The built aks-run, killed with SIGKILL at points the test observes (k more intents on the journal's disk, k more run
// requests at the fake, a run request the fake accepted while its 202 is held back) and started again until it
// finishes. At least one kill falls between an intent and its answer; no cluster is ever sent the run request twice; a
// rerun reports every unanswered intent as MayHaveStarted and sends nothing for it; every cluster ends with an outcome.
public sealed class FleetCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Command = "kubectl rollout restart deploy/web";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly string _folder = Directory.CreateTempSubdirectory("aks-run-crash-").FullName;

    private string JournalPath => Path.Combine(_folder, "fleet.jsonl");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task KilledAtObservedPointsAndResumed_AKillFallsInsideARunRequest_AndNoClusterIsPostedTwice()
    {
        using var fake = FakeAks.Start();
        fake.WhenMatches(".*").RunningFor(0).ExitsWith(0, "ok\n");
        var clusters = Enumerable.Range(0, 40).Select(i => ClusterId.Parse($"/subscriptions/{(i % 2 == 0 ? "aaaaaaaa" : "bbbbbbbb")}-0000-4000-8000-00000000000{i % 2}/resourceGroups/rg{i % 3}/providers/Microsoft.ContainerService/managedClusters/crash-{i:00}")).ToList();
        File.WriteAllLines(Path.Combine(_folder, "clusters.txt"), clusters.Select(c => c.ResourceId));
        Kill[] kills = [new(Intents: 3), new(RunRequests: 4), new(HeldAnswer: true), new(Intents: 7), new(RunRequests: 2), new(HeldAnswer: true)];
        var held = new List<ClusterId>();
        var insideARunRequest = 0;
        (int ExitCode, string Stdout, string Stderr)? finished = null;
        for (var run = 0; finished is null; run++)
        {
            Assert.True(run < 20, "the fleet did not finish in 20 runs");
            var before = Journal.Read(JournalPath);
            var kill = run < kills.Length ? kills[run] : null;
            if (kill is { HeldAnswer: true })
            {
                // The second cluster nothing was sent to yet: its run request is accepted, its 202 held back past the kill.
                var target = clusters.Where(c => !before.Attempted(c)).Skip(1).First();
                fake.Cluster(target).When(Command).RunningFor(0).ExitsWith(0, "ok\n").OnStart(FakeFault.Accepted.After(TimeSpan.FromMinutes(10)));
                held.Add(target);
            }

            using var process = Start(fake.Endpoint);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var exited = process.WaitForExitAsync();
            var runsBefore = fake.Runs.Count;
            Func<bool> due = kill switch
            {
                { Intents: > 0 } => () => Journal.ReadWhileHeld(JournalPath).Intents >= before.Intents + kill.Intents,
                { RunRequests: > 0 } => () => fake.Runs.Count >= runsBefore + kill.RunRequests,
                { HeldAnswer: true } => () => fake.Runs.Any(r => r.Cluster == held[^1] && r.CommandId is not null),
                _ => () => false,
            };
            bool reached;
            try
            {
                reached = await WhenAsync(due, exited);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                await exited;
                throw;
            }

            if (reached)
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no cleanup, no flush, mid-step
                await exited;
                var after = Journal.Read(JournalPath);
                var newlyUnanswered = after.Unanswered.Except(before.Unanswered).ToList();
                var acceptedUnrecorded = fake.Runs.Where(r => r.CommandId is not null && !after.Accepted.Contains(r.Cluster)).Select(r => r.Cluster).ToList();
                insideARunRequest += newlyUnanswered.Count > 0 ? 1 : 0;
                output.WriteLine($"run {run + 1}: killed after {kill}; {after.Intents} intents on disk, unanswered now: [{string.Join(", ", newlyUnanswered.Select(c => c.ClusterName))}], accepted by the fake without an accepted line: [{string.Join(", ", acceptedUnrecorded.Select(c => c.ClusterName))}]");
                continue;
            }

            finished = (process.ExitCode, await stdout, await stderr);
            output.WriteLine($"run {run + 1} exited {process.ExitCode}: {finished.Value.Stderr}");
        }

        var journal = Journal.Read(JournalPath);
        var rows = finished.Value.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(r => r[0], r => r[2]);
        var perCluster = clusters.ToDictionary(c => c, c => fake.Runs.Count(r => r.Cluster == c));
        output.WriteLine($"{fake.Runs.Count} run requests for {clusters.Count} clusters; {insideARunRequest} kill(s) inside a run request; unanswered intents: {string.Join(", ", journal.Unanswered.Select(c => c.ClusterName))}");

        Assert.True(insideARunRequest >= 1, "no kill fell between an intent and its answer");
        Assert.All(perCluster, p => Assert.True(p.Value <= 1, $"{p.Key.ClusterName} got {p.Value} run requests"));
        Assert.Equal(clusters.Select(c => c.ClusterName).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal)); // every cluster has an outcome
        Assert.All(held, c => Assert.Equal(1, perCluster[c])); // accepted by the service, its answer never read
        Assert.Superset(held.ToHashSet(), journal.Unanswered.ToHashSet());
        foreach (var cluster in clusters)
        {
            var expected = journal.Unanswered.Contains(cluster) ? "MayHaveStarted" : "Succeeded"; // an unanswered intent is never resent
            Assert.True(rows[cluster.ClusterName] == expected, $"{cluster.ClusterName}: {rows[cluster.ClusterName]}, expected {expected}");
        }

        Assert.Equal(journal.Unanswered.Count > 0 ? 1 : 0, finished.Value.ExitCode);
    }

    private Process Start(Uri endpoint)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "aks-run.dll"), "fleet", "-c", Command, "--clusters", "clusters.txt", "--journal", "fleet.jsonl", "--max-parallel", "5", "--endpoint", endpoint.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AKS_RUN_ACCESS_TOKEN"] = "crash-test-token";
        start.Environment.Remove("AZURE_SUBSCRIPTION_ID");
        return Process.Start(start)!;
    }

    // True once the condition holds (checked until then: something observed, not a time); false when the process ended
    // first. A process that does neither within the patience is killed and the test fails.
    private static async Task<bool> WhenAsync(Func<bool> condition, Task exited)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition())
        {
            if (exited.IsCompleted)
            {
                return false;
            }

            try
            {
                await Task.WhenAny(exited, Task.Delay(10, patience.Token));
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"aks-run neither reached the kill point nor ended within {Patience.TotalMinutes} minutes");
            }

            patience.Token.ThrowIfCancellationRequested();
        }

        return true;
    }

    // One observed kill point: k more intents on disk, k more run requests at the fake, or the fake's acceptance of a
    // run request whose 202 it holds back.
    private sealed record Kill(int Intents = 0, int RunRequests = 0, bool HeldAnswer = false)
    {
        public override string ToString() => Intents > 0 ? $"{Intents} more intents on disk" : RunRequests > 0 ? $"{RunRequests} more run requests at the fake" : "the fake accepted a run request whose 202 it holds back";
    }

    // The journal (version 2) as a rerun reads it: per cluster, intents by attempt and the answers they got.
    private sealed class Journal
    {
        private readonly Dictionary<ClusterId, (HashSet<int> Intents, HashSet<int> Answered, bool Accepted)> _clusters = [];

        public int Intents { get; private set; }

        /// <summary>Clusters with an intent that got no answer: the command may have started.</summary>
        public IReadOnlySet<ClusterId> Unanswered => _clusters.Where(c => c.Value.Intents.Except(c.Value.Answered).Any()).Select(c => c.Key).ToHashSet();

        public IReadOnlySet<ClusterId> Accepted => _clusters.Where(c => c.Value.Accepted).Select(c => c.Key).ToHashSet();

        public bool Attempted(ClusterId cluster) => _clusters.ContainsKey(cluster);

        public static Journal Read(string path) => Parse(File.Exists(path) ? File.ReadAllText(path) : string.Empty);

        // While aks-run holds the journal (an exclusive flock), .NET refuses to open it; libc's read takes no lock.
        public static Journal ReadWhileHeld(string path) => Parse(UnlockedFile.ReadAllText(path));

        private static Journal Parse(string text)
        {
            var journal = new Journal();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                JsonElement entry;
                try
                {
                    entry = JsonDocument.Parse(line).RootElement;
                }
                catch (JsonException)
                {
                    continue; // a line torn by the kill
                }

                if (!entry.TryGetProperty("cluster", out var name) || !entry.TryGetProperty("attempt", out var attempt))
                {
                    continue; // the run header, a finished line
                }

                var cluster = ClusterId.Parse(name.GetString()!);
                if (!journal._clusters.TryGetValue(cluster, out var history))
                {
                    journal._clusters[cluster] = history = ([], [], false);
                }

                var type = entry.GetProperty("type").GetString();
                if (type == "intent")
                {
                    history.Intents.Add(attempt.GetInt32());
                    journal.Intents++;
                }
                else
                {
                    history.Answered.Add(attempt.GetInt32());
                    journal._clusters[cluster] = history with { Accepted = history.Accepted || type == "accepted" };
                }
            }

            return journal;
        }
    }
}
