using System.Text.Json;
using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Tests;

// aks-run fleet: the contract the tests hold it to (cluster lists, outputs, logs, exit 0 / 1 / 255).
public sealed class FleetTests : IDisposable
{
    private const string SubscriptionA = "aaaaaaaa-1111-4000-8000-000000000001";
    private const string SubscriptionB = "bbbbbbbb-2222-4000-8000-000000000002";
    private readonly CliDriver _cli = new(requireToken: false);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task EmulatedFleet_NoClusterGiven_RunsFourteenClustersWithMixedOutcomesAndExits1()
    {
        var run = await _cli.RunAsync("fleet", "-c", "kubectl get nodes", "-o", "json");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("aks-run: no cluster given (--clusters, --cluster or --subscription): running on the emulated fleet of 14 clusters in 3 subscriptions", run.StderrLines[0], StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(["summary", "waves", "results"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(14, results.Count);
        Assert.All(results, r => Assert.Equal(["cluster", "outcome", "wave", "id", "provisioningState", "exitCode", "startedAt", "finishedAt", "logs", "reason", "error"], r.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(7, results.Count(r => r.GetProperty("exitCode").ValueKind == JsonValueKind.Number && r.GetProperty("exitCode").GetInt32() == 0));
        Assert.Contains(results, r => r.GetProperty("error").GetString()?.Contains("KubernetesPerformanceError", StringComparison.Ordinal) == true);
        Assert.Contains(results, r => r.GetProperty("cluster").GetString()!.EndsWith("/aks-dev-stopped", StringComparison.Ordinal) && r.GetProperty("outcome").GetString() == "Skipped" && r.GetProperty("error").GetString() == "power state Stopped: start it with az aks start; nothing was sent");
        Assert.Contains(results, r => r.GetProperty("cluster").GetString()!.EndsWith("/aks-prod-weu-norun", StringComparison.Ordinal) && r.GetProperty("outcome").GetString() == "Skipped" && r.GetProperty("error").GetString()!.StartsWith("apiServerAccessProfile.disableRunCommand is true", StringComparison.Ordinal));
        Assert.Contains(results, r => r.GetProperty("cluster").GetString()!.EndsWith("/aks-dev-deleted", StringComparison.Ordinal) && r.GetProperty("outcome").GetString() == "Skipped");
        Assert.All(results.Where(r => r.GetProperty("outcome").GetString() != "Skipped"), r => Assert.Equal(1, r.GetProperty("wave").GetInt32()));
        var summary = json.RootElement.GetProperty("summary");
        Assert.Equal((14, false, 3), (summary.GetProperty("total").GetInt32(), summary.GetProperty("allSucceeded").GetBoolean(), summary.GetProperty("counts").GetProperty("Skipped").GetInt32()));
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("stopReason").ValueKind);
        Assert.Equal(11, json.RootElement.GetProperty("waves").EnumerateArray().Single().GetProperty("total").GetInt32());
        Assert.Equal("aks-run: 14 cluster(s): 7 Succeeded, 1 NonZeroExit, 1 ProvisioningFailed, 2 Refused, 3 Skipped.", run.StderrLines[^1]);
    }

    [Fact]
    public async Task ClusterFile_CommentsAndBlankLinesSkipped_AllSucceedAndExit0_WithATable()
    {
        var a = Id(SubscriptionA, "rg1", "aks-a");
        var b = Id(SubscriptionB, "rg2", "aks-b");
        _cli.Write("clusters.txt", System.Text.Encoding.UTF8.GetBytes($"# production\n{a}\n\n   {b}   \n"));

        var run = await _cli.RunAsync("fleet", "-c", "echo hello", "--clusters", "clusters.txt", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("CLUSTER", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("aks-a", StringComparison.Ordinal) && l.Contains("Succeeded", StringComparison.Ordinal) && l.EndsWith("hello", StringComparison.Ordinal));
        Assert.Equal(2, _cli.Fake.Runs.Count);
    }

    [Fact]
    public async Task ClusterList_FromStdin_AsJsonLinesOnePerClusterAsItFinishes()
    {
        _cli.Stdin = $"{Id(SubscriptionA, "rg1", "one")}\n{Id(SubscriptionA, "rg1", "two")}\n{Id(SubscriptionA, "rg1", "three")}\n";
        _cli.Fake.Cluster(ClusterId.Parse(Id(SubscriptionA, "rg1", "two"))).When("exit 4").RunningFor(0).ExitsWith(4, "four\n");

        var run = await _cli.RunAsync("fleet", "-c", "exit 4", "--clusters", "-", "--endpoint", _cli.Fake.Endpoint.ToString(), "-o", "jsonl");

        Assert.Equal(1, run.ExitCode);
        var objects = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, objects.Count);
        Assert.All(objects, o => Assert.Equal(4, o.GetProperty("exitCode").GetInt32()));
    }

    [Fact]
    public async Task ABadLine_Exits255NamingTheLineBeforeAnyRequest()
    {
        _cli.Write("clusters.txt", System.Text.Encoding.UTF8.GetBytes($"{Id(SubscriptionA, "rg1", "fine")}\n/subscriptions/{SubscriptionA}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/bad.name\n"));

        var run = await _cli.RunAsync("fleet", "-c", "ls", "--clusters", "clusters.txt", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(255, run.ExitCode);
        Assert.StartsWith("aks-run: error: clusters.txt line 2: clusterName 'bad.name' is invalid", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(_cli.Fake.Runs);
    }

    [Fact]
    public async Task ADuplicate_Exits255NamingBothLinesBeforeAnyRequest()
    {
        _cli.Write("clusters.txt", System.Text.Encoding.UTF8.GetBytes($"{Id(SubscriptionA, "rg1", "twice")}\n# again, in other casing\n{Id(SubscriptionA, "RG1", "TWICE")}\n"));

        var run = await _cli.RunAsync("fleet", "-c", "ls", "--clusters", "clusters.txt", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(255, run.ExitCode);
        Assert.Contains("clusters.txt line 3: cluster", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Contains("is already on line 1", run.StderrLines[0], StringComparison.Ordinal);
        Assert.Empty(_cli.Fake.Runs);
    }

    [Fact]
    public async Task AnUnreadableClusterList_Exits255()
    {
        var run = await _cli.RunAsync("fleet", "-c", "ls", "--clusters", "missing.txt", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(255, run.ExitCode);
        Assert.Contains("--clusters 'missing.txt' cannot be read", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsDir_GetsEachClustersLogsUnderSubscriptionAndResourceGroup()
    {
        var run = await _cli.RunAsync("fleet", "-c", "echo from the cluster", "--cluster", Id(SubscriptionA, "rg1", "aks-a"), "--cluster", Id(SubscriptionB, "rg2", "aks-b"), "--endpoint", _cli.Fake.Endpoint.ToString(), "--logs-dir", "logs");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("from the cluster\n", File.ReadAllText(Path.Combine(_cli.WorkingDirectory, "logs", SubscriptionA, "rg1", "aks-a.log")));
        Assert.Equal("from the cluster\n", File.ReadAllText(Path.Combine(_cli.WorkingDirectory, "logs", SubscriptionB, "rg2", "aks-b.log")));
    }

    [Fact]
    public async Task AJournalOfAnotherCommand_Exits255BeforeAnyRequest()
    {
        var cluster = Id(SubscriptionA, "rg1", "aks-a");
        Assert.Equal(0, (await _cli.RunAsync("fleet", "-c", "echo one", "--cluster", cluster, "--endpoint", _cli.Fake.Endpoint.ToString(), "--journal", "j.jsonl")).ExitCode);

        var run = await _cli.RunAsync("fleet", "-c", "echo two", "--cluster", cluster, "--endpoint", _cli.Fake.Endpoint.ToString(), "--journal", "j.jsonl");

        Assert.Equal(255, run.ExitCode);
        Assert.Contains("belongs to another command or context", run.StderrLines[^1], StringComparison.Ordinal);
        Assert.Single(_cli.Fake.Runs);
    }

    private static string Id(string subscription, string resourceGroup, string name) =>
        $"/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerService/managedClusters/{name}";
}
