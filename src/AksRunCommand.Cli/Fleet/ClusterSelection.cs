namespace AksRunCommand.Cli.Fleet;

/// <summary>
/// The clusters a fleet run goes to, sorted by resource id (ordinal, ignoring case), with what ARM said of each
/// (<see cref="ManagedClusterInfo"/>, whose <see cref="ManagedClusterInfo.CannotRunCommandReason"/> is the preflight
/// decision). Clusters selected through ARM's list all have their information; clusters named by id have none (the
/// library's preflight reads each with one GET).
/// </summary>
internal sealed record FleetSelection(IReadOnlyList<ClusterId> Clusters, IReadOnlyDictionary<ClusterId, ManagedClusterInfo> Info)
{
    public static FleetSelection Named(IReadOnlyList<ClusterId> clusters) => new(clusters, new Dictionary<ClusterId, ManagedClusterInfo>());
}

/// <summary>Selection by subscription, resource group and tag through the client's managedClusters reads.</summary>
internal static class ClusterSelection
{
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
