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
        Assert.Equal(3, json.RootElement.GetProperty("results").GetArrayLength());
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
    public async Task ClustersFromStdin_PreflightedWithOneGetEach_OrNoneWithNoPreflight()
    {
        var graph = $"/subscriptions/{SubscriptionA}/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/from-graph\n"; // az graph query ... -o tsv prints ids so

        _cli.Stdin = graph;
        var withoutPreflight = await _cli.RunAsync("fleet", "-c", "echo hi", "--clusters", "-", "--no-preflight", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(0, withoutPreflight.ExitCode);
        Assert.Equal("from-graph", Assert.Single(_cli.Fake.Runs).Cluster.ClusterName);
        Assert.Empty(_cli.Fake.ClusterReads);

        _cli.Stdin = graph;
        var preflighted = await _cli.RunAsync("fleet", "-c", "echo hi", "--clusters", "-", "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(0, preflighted.ExitCode);
        Assert.Equal(2, _cli.Fake.Runs.Count);
        var read = Assert.Single(_cli.Fake.ClusterReads);
        Assert.Equal((ClusterReadOperation.Get, "from-graph"), (read.Operation, read.ClusterName));
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
            json.RootElement.GetProperty("results").EnumerateArray().Select(r => ClusterId.Parse(r.GetProperty("cluster").GetString()!)).Select(c => $"{c.ResourceGroupName}/{c.ClusterName}"));
        Assert.Equal("aks-run: 5 cluster(s): 3 Succeeded, 1 NonZeroExit, 1 Skipped.", run.StderrLines[^1]); // the run-command-disabled one, from the list: no GET, no run request
        Assert.Empty(_cli.Fake.ClusterReads); // the driver's own fake saw nothing: the emulator answered
    }

    [Fact]
    public async Task Preflight_NamedClusters_OneGetEach_SkipsTheStoppedAndTheMissing_NoRunRequest()
    {
        var stopped = Add(SubscriptionA, "rg", "aks-stopped").Stopped().Id;
        var healthy = Add(SubscriptionA, "rg", "aks-healthy").Id;
        var gone = Add(SubscriptionB, "rg", "aks-gone").DoesNotExist().Id;
        var locked = Add(SubscriptionB, "rg", "aks-locked").Id;
        _cli.Fake.OnClusterReads(FakeFault.ArmError(403, "AuthorizationFailed", "no read")); // the first GET: a refusal that is not a reason to skip

        var run = await _cli.RunAsync("fleet", "-c", "echo hi", "--cluster", locked.ResourceId, "--cluster", stopped.ResourceId, "--cluster", healthy.ResourceId, "--cluster", gone.ResourceId, "--max-parallel", "1", "--endpoint", _cli.Fake.Endpoint.ToString(), "--dry-run", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var rows = json.RootElement.GetProperty("clusters").EnumerateArray().ToDictionary(r => ClusterId.Parse(r.GetProperty("cluster").GetString()!), r => (Action: r.GetProperty("action").GetString(), Reason: r.GetProperty("reason").GetString()));
        Assert.Equal(("Skip", "power state Stopped: start it with az aks start"), rows[stopped]);
        Assert.Equal(("Skip", "not found: ARM answered a GET of the cluster with HTTP 404 ResourceNotFound"), rows[gone]);
        Assert.Equal(("Run", null), rows[healthy]);
        Assert.Equal(("Run", null), rows[locked]); // a GET refused otherwise skips nothing: the run request will tell
        Assert.Equal(4, _cli.Fake.ClusterReads.Count); // one GET per cluster
        Assert.All(_cli.Fake.ClusterReads, r => Assert.Equal(ClusterReadOperation.Get, r.Operation));
        Assert.Empty(_cli.Fake.Runs);
        Assert.Equal("aks-run: dry run: 4 cluster(s): 2 to run in 1 wave(s) (2), 2 skipped; nothing was sent.", run.StderrLines[^1]);
    }

    private FakeCluster Add(string subscription, string resourceGroup, string name) => _cli.Fake.Cluster(new ClusterId(subscription, resourceGroup, name));
}
