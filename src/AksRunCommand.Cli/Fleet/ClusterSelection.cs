namespace AksRunCommand.Cli.Fleet;

/// <summary>
/// The clusters a fleet run goes to, sorted by resource id (ordinal, ignoring case), with what ARM said of each
/// (<see cref="ManagedClusterInfo"/>, whose <see cref="ManagedClusterInfo.CannotRunCommandReason"/> is the preflight
/// decision). Clusters selected through ARM's list all have their information; clusters named by id have none until
/// <see cref="ClusterSelection.ReadInfoAsync"/> reads it.
/// </summary>
internal sealed record FleetSelection(IReadOnlyList<ClusterId> Clusters, IReadOnlyDictionary<ClusterId, ManagedClusterInfo> Info)
{
    public static FleetSelection Named(IReadOnlyList<ClusterId> clusters) => new(clusters, new Dictionary<ClusterId, ManagedClusterInfo>());
}

/// <summary>What one GET per named cluster gave: the information of those ARM answered, and the refusal of the others (404 for a cluster that does not exist).</summary>
internal sealed record ClusterInfoReads(IReadOnlyDictionary<ClusterId, ManagedClusterInfo> Info, IReadOnlyDictionary<ClusterId, ArmRequestFailedException> Failed);

/// <summary>Selection by subscription, resource group and tag through the client's managedClusters reads.</summary>
internal static class ClusterSelection
{
    /// <summary>Default for <see cref="ReadInfoAsync"/>: GETs in flight at once (the read budget paces them anyway).</summary>
    public const int DefaultReadParallelism = 8;

    /// <summary>
    /// Lists each subscription (one list request per resource group when the filter names some), keeps the clusters the
    /// filter selects, and sorts them by resource id. An empty selection is the tool's failure, naming what matched nothing.
    /// </summary>
    public static async Task<FleetSelection> SelectAsync(AksRunCommandClient client, IReadOnlyList<Guid> subscriptions, ClusterFilter filter, CancellationToken cancellationToken)
    {
        var info = new Dictionary<ClusterId, ManagedClusterInfo>();
        foreach (var subscription in subscriptions)
        {
            await foreach (var cluster in client.ListClustersAsync(subscription, filter, cancellationToken))
            {
                info.TryAdd(cluster.Id, cluster);
            }
        }

        if (info.Count == 0)
        {
            var where = subscriptions.Count == 1 ? $"subscription {subscriptions[0]:D}" : $"subscriptions {string.Join(", ", subscriptions.Select(s => s.ToString("D")))}";
            var conditions = filter.ToString();
            throw new CliFailure(conditions.Length == 0
                ? $"no cluster in {where}: ARM's managedClusters list is empty (check the subscription id, and that the credential may read it)."
                : $"no cluster in {where} matched {conditions}.");
        }

        return new FleetSelection([.. info.Keys.OrderBy(c => c.ResourceId, StringComparer.OrdinalIgnoreCase)], info);
    }

    /// <summary>
    /// Reads the information of clusters named by id: one GET each, at most <paramref name="maxParallel"/> at once, each
    /// inside its subscription's read budget. A cluster ARM refuses to read (404, 403, ...) is in
    /// <see cref="ClusterInfoReads.Failed"/>, not an error; any other failure (credentials, cancellation) is thrown.
    /// </summary>
    public static async Task<ClusterInfoReads> ReadInfoAsync(AksRunCommandClient client, IReadOnlyList<ClusterId> clusters, int maxParallel, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallel, 1);
        var info = new Dictionary<ClusterId, ManagedClusterInfo>();
        var failed = new Dictionary<ClusterId, ArmRequestFailedException>();
        var gate = new Lock();
        await Parallel.ForEachAsync(clusters.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken }, async (cluster, ct) =>
        {
            try
            {
                var read = await client.GetClusterAsync(cluster, ct);
                lock (gate)
                {
                    info[cluster] = read;
                }
            }
            catch (ArmRequestFailedException refused)
            {
                lock (gate)
                {
                    failed[cluster] = refused;
                }
            }
        });
        return new ClusterInfoReads(info, failed);
    }

    /// <summary>Why ARM refused a run request, when the cluster's state explains it: one GET; null when it does not, or when the GET fails.</summary>
    public static async Task<string?> ExplainRefusalAsync(AksRunCommandClient client, ClusterId cluster, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetClusterAsync(cluster, cancellationToken)).CannotRunCommandReason;
        }
#pragma warning disable CA1031 // an explanation is a courtesy: whatever stops it, the refusal is reported as it came
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
