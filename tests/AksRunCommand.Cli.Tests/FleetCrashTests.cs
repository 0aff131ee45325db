using System.Diagnostics;
using AksRunCommand.Testing;
using Xunit.Abstractions;

namespace AksRunCommand.Cli.Tests;

// The built aks-run, killed with SIGKILL at random points of a journaled fleet run and started again until it
// finishes: no cluster is ever sent the run request twice, and every cluster ends with an outcome.
public sealed class FleetCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aks-run-crash-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task KilledAtRandomPointsAndResumed_NoClusterIsPostedTwice()
    {
        using var fake = FakeAks.Start();
        fake.WhenMatches(".*").RunningFor(0).ExitsWith(0, "ok\n");
        var clusters = Enumerable.Range(0, 30).Select(i => $"/subscriptions/{(i % 2 == 0 ? "aaaaaaaa" : "bbbbbbbb")}-0000-4000-8000-00000000000{i % 2}/resourceGroups/rg{i % 3}/providers/Microsoft.ContainerService/managedClusters/crash-{i}").ToList();
        File.WriteAllLines(Path.Combine(_folder, "clusters.txt"), clusters);
        var random = new Random(20261201);
        var runs = 0;
        var kills = 0;
        int? exitCode = null;
        string lastStdout = string.Empty;
        while (exitCode is null && runs < 40)
        {
            runs++;
            using var process = Start(fake.Endpoint);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var killAfter = runs < 8 ? TimeSpan.FromMilliseconds(random.Next(150, 1500)) : TimeSpan.FromSeconds(60);
            var exited = process.WaitForExitAsync();
            if (await Task.WhenAny(exited, Task.Delay(killAfter)) != exited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no cleanup, no flush, mid-step
                kills++;
                await exited;
                continue;
            }

            lastStdout = await stdout;
            output.WriteLine($"run {runs} exited {process.ExitCode}: {await stderr}");
            exitCode = process.ExitCode;
        }

        var perCluster = fake.Runs.GroupBy(r => r.Cluster.ResourceId, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        output.WriteLine($"{runs} runs, {kills} kills, {fake.Runs.Count} run requests for {clusters.Count} clusters; POSTs per cluster: {string.Join(", ", perCluster.Values.GroupBy(v => v).Select(g => $"{g.Key}x{g.Count()}"))}");
        Assert.NotNull(exitCode);
        Assert.True(kills >= 3, $"only {kills} kills");
        Assert.All(perCluster, p => Assert.True(p.Value == 1, $"{p.Key} got {p.Value} run requests"));
        var table = lastStdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(clusters.Count, table.Count); // every cluster has an outcome: Succeeded, or MayHaveStarted where a kill fell between request and record
        Assert.All(table, row => Assert.True(row.Contains("Succeeded", StringComparison.Ordinal) || row.Contains("MayHaveStarted", StringComparison.Ordinal), row));
        Assert.Equal(table.Any(r => r.Contains("MayHaveStarted", StringComparison.Ordinal)) ? 1 : 0, exitCode);
    }

    private Process Start(Uri endpoint)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "aks-run.dll"), "fleet", "-c", "kubectl rollout restart deploy/web", "--clusters", "clusters.txt", "--journal", "fleet.jsonl", "--max-parallel", "5", "--endpoint", endpoint.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AKS_RUN_ACCESS_TOKEN"] = "crash-test-token";
        return Process.Start(start)!;
    }
}
