using System.Diagnostics;
using AksRunCommand.Testing;
using Xunit.Abstractions;

namespace AksRunCommand.Cli.Tests;

// The built aks-run as CI runs it, in processes of its own: a second process on a held journal, SIGTERM (what CI
// sends to a cancelled job) on a fleet and on a single command, and a resume that sends nothing twice.
public sealed class FleetProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly string _folder = Directory.CreateTempSubdirectory("aks-run-process-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Issue 20, classes 1 and 6.
    [Fact]
    public async Task SecondProcessOnAHeldJournal_Exits255BeforeAnyRequest_SigtermStopsTheFirst_AndAResumeSendsNothingTwice()
    {
        using var fake = FakeAks.Start();
        fake.WhenMatches(".*").RunningFor(TimeSpan.FromSeconds(6)).ExitsWith(0, "rolled\n");
        var clusters = Enumerable.Range(0, 4).Select(i => $"/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/p{i}").ToList();
        File.WriteAllLines(Path.Combine(_folder, "clusters.txt"), clusters);
        string[] fleet = ["fleet", "-c", "kubectl rollout restart deploy/web", "--clusters", "clusters.txt", "--journal", "fleet.jsonl", "--max-parallel", "2", "--endpoint", fake.Endpoint.ToString()];

        using var first = Start(fleet);
        await WhenAsync(() => fake.Runs.Count(r => r.CommandId is not null) == 2, first); // two started, two waiting for a slot
        using var second = Start(fleet);
        var refused = await EndAsync(second);
        output.WriteLine($"second process: exit {refused.ExitCode}\n{refused.Stderr}");

        Assert.Equal(255, refused.ExitCode);
        var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"aks-run: error: Journal '{Path.Combine(_folder, "fleet.jsonl")}' is held by another fleet run", line, StringComparison.Ordinal);
        Assert.Equal(2, fake.Runs.Count);

        await SignalAsync(first, "TERM");
        var stopped = await EndAsync(first);
        output.WriteLine($"first process after SIGTERM: exit {stopped.ExitCode}\n{stopped.Stdout}\n{stopped.Stderr}");

        Assert.Equal(1, stopped.ExitCode);
        var ids = fake.Runs.Select(r => r.CommandId!).ToList();
        Assert.All(ids, id => Assert.Contains($"[command {id}]", stopped.Stderr, StringComparison.Ordinal));
        Assert.Contains("aks-run: stopped (cancelled): 2 command(s) keep running on their clusters (ids above), 2 cluster(s) were sent nothing, 0 may have started. Resume: run the same command again with --journal", stopped.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, stopped.Stdout.Split('\n').Count(l => l.Contains("WaitStopped", StringComparison.Ordinal)));

        using var resume = Start(fleet);
        var resumed = await EndAsync(resume);
        output.WriteLine($"resume: exit {resumed.ExitCode}\n{resumed.Stdout}\n{resumed.Stderr}");

        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(4, fake.Runs.Count);
        Assert.All(clusters, c => Assert.Single(fake.Runs, r => string.Equals(r.Cluster.ResourceId, c, StringComparison.OrdinalIgnoreCase)));
    }

    // Issue 20, class 6: a single command stopped by SIGTERM says how to resume, like Ctrl+C.
    [Fact]
    public async Task Invoke_Sigterm_Exits255WithTheIdAndTheResumeCommand()
    {
        using var fake = FakeAks.Start();
        using var invoke = Start(["invoke", "-c", "sleep 600", "--subscription", "aaaaaaaa-0000-4000-8000-000000000001", "-g", "rg", "-n", "aks1", "--endpoint", fake.Endpoint.ToString()]);
        await WhenAsync(() => fake.Polls.Count > 0, invoke);

        await SignalAsync(invoke, "TERM");
        var stopped = await EndAsync(invoke);
        output.WriteLine($"exit {stopped.ExitCode}\n{stopped.Stderr}");

        Assert.Equal(255, stopped.ExitCode);
        var id = Assert.Single(fake.Runs).CommandId;
        Assert.Contains($"stopped waiting for command {id} (cancelled); it keeps running on the cluster. Resume with: aks-run result --command-id {id}", stopped.Stderr, StringComparison.Ordinal);
    }

    private Process Start(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aks-run.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AKS_RUN_ACCESS_TOKEN"] = "process-test-token";
        start.Environment.Remove("AZURE_SUBSCRIPTION_ID");
        var process = Process.Start(start)!;
        _ = Outputs.GetOrAdd(process.Id, _ => (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync()));
        return process;
    }

    private System.Collections.Concurrent.ConcurrentDictionary<int, (Task<string> Stdout, Task<string> Stderr)> Outputs { get; } = new();

    private async Task<(int ExitCode, string Stdout, string Stderr)> EndAsync(Process process)
    {
        await process.WaitForExitAsync().WaitAsync(Patience);
        var (stdout, stderr) = Outputs[process.Id];
        return (process.ExitCode, await stdout, await stderr);
    }

    // Waits for something the test observes (not for a time): the condition, or the process ending first.
    private static async Task WhenAsync(Func<bool> condition, Process process)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition())
        {
            Assert.False(process.HasExited, "the process ended before the condition held");
            await Task.Delay(20, patience.Token);
        }
    }

    private static async Task SignalAsync(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }
}
