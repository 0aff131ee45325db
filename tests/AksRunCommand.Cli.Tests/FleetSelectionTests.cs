using System.Text.Json;
using AksRunCommand.Cli.Fleet;
using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Tests;

// aks-run fleet --subscription [--resource-group]... [--tag]...: clusters selected through ARM's managedClusters list,
// sorted by resource id; the flags checked before any request; an empty selection is the tool's failure.
public sealed class FleetSelectionTests : IDisposable
{
    private const string SubscriptionA = "aaaaaaaa-1111-4000-8000-000000000001";
    private const string SubscriptionB = "bbbbbbbb-2222-4000-8000-000000000002";
    private readonly CliDriver _cli = new(requireToken: false);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ByTag_RunsOnTheMatchingClustersSortedByResourceId()
    {
        Add(SubscriptionA, "rg-b", "aks-web").WithTags(("env", "prod"));
        Add(SubscriptionA, "RG-A", "aks-zeta").WithTags(("Env", "prod"));
        Add(SubscriptionA, "rg-a", "aks-alpha").WithTags(("env", "prod"), ("team", "x"));
        Add(SubscriptionA, "rg-a", "aks-dev").WithTags(("env", "dev"));
        Add(SubscriptionA, "rg-c", "aks-untagged");

        var run = await _cli.RunAsync("fleet", "-c", "echo hi", "--subscription", SubscriptionA, "--tag", "ENV=prod", "--max-parallel", "1", "--endpoint", _cli.Fake.Endpoint.ToString(), "-o", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["aks-alpha", "aks-zeta", "aks-web"], _cli.Fake.Runs.Select(r => r.Cluster.ClusterName)); // rg-a/aks-alpha < RG-A/aks-zeta < rg-b/aks-web, ignoring case
        Assert.Equal(ClusterReadOperation.List, Assert.Single(_cli.Fake.ClusterReads).Operation);
        Assert.Contains($"aks-run: selected 3 cluster(s) in subscription {SubscriptionA} matching --tag ENV=prod.", run.StderrLines);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(3, json.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task ByResourceGroup_ListsEachGroupOnlyAndRunsOnItsClusters()
    {
        Add(SubscriptionA, "rg-a", "aks-1");
        Add(SubscriptionA, "rg-b", "aks-2");
        Add(SubscriptionA, "rg-c", "aks-3");

        var run = await _cli.RunAsync("fleet", "-c", "echo hi", "--subscription", SubscriptionA, "-g", "rg-c", "--resource-group", "RG-A", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["aks-1", "aks-3"], _cli.Fake.Runs.Select(r => r.Cluster.ClusterName).Order());
        Assert.Equal([(ClusterReadOperation.ListByResourceGroup, "rg-c"), (ClusterReadOperation.ListByResourceGroup, "RG-A")], _cli.Fake.ClusterReads.Select(r => (r.Operation, r.ResourceGroup)));
    }

    [Fact]
    public async Task SeveralSubscriptions_ListsEachAndRunsOnAll()
    {
        Add(SubscriptionA, "rg", "aks-a").WithTags(("ring", "canary"));
        Add(SubscriptionB, "rg", "aks-b").WithTags(("ring", "canary"));
        Add(SubscriptionB, "rg", "aks-b2");

        var run = await _cli.RunAsync("fleet", "-c", "echo hi", "--subscription", SubscriptionA, "--subscription", SubscriptionB, "--tag", "ring", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["aks-a", "aks-b"], _cli.Fake.Runs.Select(r => r.Cluster.ClusterName).Order());
        Assert.Equal([Guid.Parse(SubscriptionA), Guid.Parse(SubscriptionB)], _cli.Fake.ClusterReads.Select(r => r.Subscription));
    }

    [Fact]
    public async Task NothingMatches_Exits255SayingWhatMatchedNothing_AndRunsNothing()
    {
        Add(SubscriptionA, "rg-a", "aks-1").WithTags(("env", "dev"));

        var run = await _cli.RunAsync("fleet", "-c", "echo hi", "--subscription", SubscriptionA, "-g", "rg-a", "--tag", "env=prod", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(255, run.ExitCode);
        Assert.Equal($"aks-run: error: no cluster in subscription {SubscriptionA} matched --resource-group rg-a --tag env=prod.", run.StderrLines[^1]);
        Assert.Empty(_cli.Fake.Runs);
    }

    [Fact]
    public async Task AnEmptySubscription_Exits255()
    {
        var run = await _cli.RunAsync("fleet", "-c", "echo hi", "--subscription", SubscriptionB, "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(255, run.ExitCode);
        Assert.StartsWith($"aks-run: error: no cluster in subscription {SubscriptionB}: ARM's managedClusters list is empty", run.StderrLines[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cluster", "/subscriptions/aaaaaaaa-1111-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks", "--subscription", SubscriptionA, "--clusters and --cluster name the clusters, --subscription (with --resource-group and --tag) selects them through ARM: use one or the other, not both.")]
    [InlineData("--clusters", "-", "--tag", "env=prod", "--clusters and --cluster name the clusters, --subscription (with --resource-group and --tag) selects them through ARM: use one or the other, not both.")]
    [InlineData("--tag", "env=prod", "-g", "rg", "--resource-group and --tag filter the clusters of a subscription: give --subscription too.")]
    [InlineData("--subscription", "not-a-guid", "--tag", "env", "--subscription 'not-a-guid' is not a subscription id: it must look like 00000000-0000-0000-0000-000000000000.")]
    [InlineData("--subscription", SubscriptionA, "--tag", "=prod", "--tag '=prod' has an empty key: write key=value (the value exact) or key (the tag present), the key 1 to 512 characters and not blank.")]
    [InlineData("--subscription", SubscriptionA, "-g", "rg/x", "--resource-group 'rg/x' is not a resource group name: it must be 1 to 90 letters, digits, '-', '_', '.', '(' or ')' (pattern ^[-\\w\\._\\(\\)]+$).")]
    [InlineData("--subscription", SubscriptionA, "--subscription", "AAAAAAAA-1111-4000-8000-000000000001", "--subscription aaaaaaaa-1111-4000-8000-000000000001 is given twice.")]
    public async Task BadSelectionFlags_Exit255WithOneLineBeforeAnyRequest(string flag1, string value1, string flag2, string value2, string message)
    {
        _cli.Stdin = "/subscriptions/aaaaaaaa-1111-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks\n";

        var run = await _cli.RunAsync("fleet", "-c", "echo hi", flag1, value1, flag2, value2, "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(255, run.ExitCode);
        Assert.Equal("aks-run: error: " + message, Assert.Single(run.StderrLines));
        Assert.Empty(_cli.Fake.ClusterReads);
        Assert.Empty(_cli.Fake.Runs);
    }

    [Fact]
    public async Task ClustersFromStdin_StillNeedNoClusterRead()
    {
        _cli.Stdin = $"/subscriptions/{SubscriptionA}/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/from-graph\n"; // az graph query ... -o tsv prints ids so

        var run = await _cli.RunAsync("fleet", "-c", "echo hi", "--clusters", "-", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("from-graph", Assert.Single(_cli.Fake.Runs).Cluster.ClusterName);
        Assert.Empty(_cli.Fake.ClusterReads);
    }

    [Fact]
    public async Task Emulator_SelectionByTag_ListsThroughTheEmbeddedFake()
    {
        var run = await _cli.RunAsync("fleet", "--emulator", "--subscription", EmulatedFleet.Prod.ToString("D"), "--tag", "env=prod", "-c", "kubectl get ns", "-o", "json");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("aks-run: --emulator: selecting among the emulated fleet's 14 clusters in 3 subscriptions through its managedClusters list at http://127.0.0.1:", run.StderrLines[0], StringComparison.Ordinal);
        Assert.Equal($"aks-run: selected 5 cluster(s) in subscription {EmulatedFleet.Prod:D} matching --tag env=prod.", run.StderrLines[1]);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(
            ["rg-prod-eus/aks-prod-eus-1", "rg-prod-eus/aks-prod-eus-2", "rg-prod-weu/aks-prod-weu-1", "rg-prod-weu/aks-prod-weu-2", "rg-prod-weu/aks-prod-weu-norun"],
            json.RootElement.EnumerateArray().Select(r => ClusterId.Parse(r.GetProperty("cluster").GetString()!)).Select(c => $"{c.ResourceGroupName}/{c.ClusterName}"));
        Assert.Equal("aks-run: 5 cluster(s): 3 Succeeded, 1 NonZeroExit, 1 Refused.", run.StderrLines[^1]);
        Assert.Empty(_cli.Fake.ClusterReads); // the driver's own fake saw nothing: the emulator answered
    }

    [Fact]
    public async Task ReadInfo_NamedClusters_OneGetEachWithTheirPreflightOrTheirRefusal()
    {
        var stopped = Add(SubscriptionA, "rg", "aks-stopped").Stopped().Id;
        var healthy = Add(SubscriptionA, "rg", "aks-healthy").Id;
        var gone = Add(SubscriptionB, "rg", "aks-gone").DoesNotExist().Id;
        var client = _cli.Fake.CreateClient(o => o.TimeProvider = _cli.Clock);

        var reads = await _cli.Clock.RunAsync(ClusterSelection.ReadInfoAsync(client, [stopped, healthy, gone, healthy], maxParallel: 2, CancellationToken.None));

        Assert.Equal("power state Stopped: start it with az aks start", reads.Info[stopped].CannotRunCommandReason);
        Assert.Null(reads.Info[healthy].CannotRunCommandReason);
        Assert.Equal(404, reads.Failed[gone].Status);
        Assert.Equal(2, reads.Info.Count);
        Assert.Equal(3, _cli.Fake.ClusterReads.Count); // one GET per cluster, the duplicate read once
        Assert.All(_cli.Fake.ClusterReads, r => Assert.Equal(ClusterReadOperation.Get, r.Operation));
    }

    private FakeCluster Add(string subscription, string resourceGroup, string name) => _cli.Fake.Cluster(new ClusterId(subscription, resourceGroup, name));
}
