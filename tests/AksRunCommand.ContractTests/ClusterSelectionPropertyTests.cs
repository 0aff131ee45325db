using AksRunCommand.Testing;
using CsCheck;
using Xunit.Abstractions;

namespace AksRunCommand.ContractTests;

// For any set of clusters (random resource groups, tags in any key casing, power and provisioning states) and any
// filter (resource groups and tag conditions in any casing), ListClustersAsync yields exactly the clusters the filter's
// definition selects, each once, whatever the page size. The model below is written from the definition, not from
// ClusterFilter. Each case lists its own subscription on fakes shared by all cases, one per page size.
public sealed class ClusterSelectionPropertyTests(ITestOutputHelper output) : IDisposable
{
    private static readonly int[] PageSizes = [1, 2, 3, 5, 100];
    private static readonly string[] ResourceGroupPool = ["rg-a", "rg-b", "rg-c"];
    private static readonly string[] KeyPool = ["env", "team", "ring"];
    private static readonly string[] ValuePool = ["prod", "Prod", "dev", string.Empty];
    private static readonly string[] PowerPool = ["Running", "Stopped", "Starting"];
    private static readonly string[] ProvisioningPool = ["Succeeded", "Updating", "Failed", "Deleting"];
    private readonly FakeAks[] _fakes = [.. PageSizes.Select(size => FakeAks.Start(new FakeAksOptions { ListPageSize = size }))];

    public void Dispose()
    {
        foreach (var fake in _fakes)
        {
            fake.Dispose();
        }
    }

    [Fact]
    public async Task ListClusters_AnyClustersAndAnyFilter_YieldsExactlyWhatTheDefinitionSelectsEachOnce()
    {
        var casing = Gen.Bool.Array[8];
        var cluster = Gen.Select(
            Gen.Int[0, ResourceGroupPool.Length - 1],
            Gen.Int[0, 7].Array[0, KeyPool.Length].Select(picks => picks.Distinct().Where(p => p < KeyPool.Length).ToArray()),
            Gen.Int[0, ValuePool.Length - 1].Array[KeyPool.Length],
            casing,
            Gen.Int[0, PowerPool.Length - 1],
            Gen.Int[0, ProvisioningPool.Length - 1])
            .Select((rg, keys, values, upper, power, provisioning) => new ClusterCase(
                Cased(ResourceGroupPool[rg], upper[0]),
                [.. keys.Select(k => (Cased(KeyPool[k], upper[1 + k]), ValuePool[values[k]]))],
                PowerPool[power],
                ProvisioningPool[provisioning]));
        var condition = Gen.Select(Gen.Int[0, KeyPool.Length - 1], Gen.Int[-1, ValuePool.Length - 1], Gen.Bool)
            .Select((k, v, upper) => Cased(KeyPool[k], upper) + (v < 0 ? string.Empty : "=" + ValuePool[v]));
        var filter = Gen.Select(
            Gen.Int[0, ResourceGroupPool.Length - 1].Array[0, 3].Select(rgs => rgs.Distinct().ToArray()),
            casing,
            condition.Array[0, 3].Select(cs => cs.DistinctBy(Condition).ToArray()))
            .Select((rgs, upper, tags) => new FilterCase([.. rgs.Select(r => Cased(ResourceGroupPool[r], upper[r]))], tags));

        await Gen.Select(cluster.Array[0, 9], filter, Gen.Int[0, PageSizes.Length - 1]).SampleAsync(
            CheckAsync,
            writeLine: output.WriteLine,
            iter: 250,
            threads: 2,
            print: c => $"clusters: [{string.Join("; ", c.Item1.Select(x => x.ToString()))}] filter: {c.Item2} page size: {PageSizes[c.Item3]}");
    }

    private async Task CheckAsync(ClusterCase[] clusters, FilterCase filter, int pageSizeIndex)
    {
        var fake = _fakes[pageSizeIndex];
        var subscription = Guid.NewGuid(); // this case's own: the fakes are shared
        var ids = new List<ClusterId>();
        for (var i = 0; i < clusters.Length; i++)
        {
            var id = new ClusterId(subscription, clusters[i].ResourceGroup, $"aks-{i}");
            fake.Cluster(id).WithTags([.. clusters[i].Tags]).InPowerState(clusters[i].Power).InProvisioningState(clusters[i].Provisioning);
            ids.Add(id);
        }

        var clock = new ManualClock();
        var client = new AksRunCommandClient(new FakeTokenCredential(), new AksRunCommandClientOptions { Endpoint = fake.Endpoint, TimeProvider = clock, Transport = clock.HoldDuringRequests() });
        var listed = await clock.RunAsync(Collect(client.ListClustersAsync(subscription, new ClusterFilter(filter.ResourceGroups, filter.Tags))));

        var expected = ids.Where((_, i) => Selects(filter, clusters[i])).ToHashSet();
        if (listed.Count != listed.Distinct().Count())
        {
            throw new InvalidOperationException($"a cluster was yielded twice: {string.Join(", ", listed.Select(c => c.ClusterName))}");
        }

        if (!expected.SetEquals(listed))
        {
            throw new InvalidOperationException($"expected [{string.Join(", ", expected.Select(c => c.ClusterName).Order())}] but listed [{string.Join(", ", listed.Select(c => c.ClusterName).Order())}]");
        }
    }

    // The definition: in one of the resource groups (any casing) when any are given; and for every tag key named (any
    // casing), the cluster has the key and one of the conditions on that key holds (a bare key: present; key=value: exactly that value).
    private static bool Selects(FilterCase filter, ClusterCase cluster)
    {
        if (filter.ResourceGroups.Length > 0 && !filter.ResourceGroups.Any(rg => rg.ToUpperInvariant() == cluster.ResourceGroup.ToUpperInvariant()))
        {
            return false;
        }

        var conditions = filter.Tags.Select(t => t.Split('=', 2)).Select(p => (Key: p[0].ToUpperInvariant(), Value: p.Length == 2 ? p[1] : null));
        foreach (var onKey in conditions.GroupBy(c => c.Key))
        {
            var tag = cluster.Tags.Where(t => t.Key.ToUpperInvariant() == onKey.Key).ToList();
            if (tag.Count == 0 || !onKey.Any(c => c.Value is null || c.Value == tag[0].Value))
            {
                return false;
            }
        }

        return true;
    }

    // A condition as the filter tells conditions apart: the key in any casing, the value exactly (the filter refuses one given twice).
    private static (string Key, string? Value) Condition(string condition)
    {
        var parts = condition.Split('=', 2);
        return (parts[0].ToUpperInvariant(), parts.Length == 2 ? parts[1] : null);
    }

    private static string Cased(string text, bool upper) => upper ? text.ToUpperInvariant() : text;

    private static async Task<List<ClusterId>> Collect(IAsyncEnumerable<ManagedClusterInfo> clusters)
    {
        var list = new List<ClusterId>();
        await foreach (var cluster in clusters)
        {
            list.Add(cluster.Id);
        }

        return list;
    }

    private sealed record ClusterCase(string ResourceGroup, (string Key, string Value)[] Tags, string Power, string Provisioning)
    {
        public override string ToString() => $"{ResourceGroup} {{{string.Join(",", Tags.Select(t => $"{t.Key}={t.Value}"))}}} {Power}/{Provisioning}";
    }

    private sealed record FilterCase(string[] ResourceGroups, string[] Tags)
    {
        public override string ToString() => $"rgs [{string.Join(",", ResourceGroups)}] tags [{string.Join(",", Tags)}]";
    }
}
