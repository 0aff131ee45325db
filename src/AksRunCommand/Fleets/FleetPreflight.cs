using AksRunCommand.Diagnostics;

namespace AksRunCommand.Fleets;

/// <summary>
/// Decides, before any run request, which clusters cannot run a command: from the <see cref="ManagedClusterInfo"/> the
/// caller gave (selected through ARM's list), or from one GET per cluster (inside the read budget, a few at once). The
/// one rule is <see cref="ManagedClusterInfo.CannotRunCommandReason"/>; a cluster ARM says does not exist (404) is
/// skipped too. A read that fails any other way skips nothing: the run request will tell, as it would without a preflight.
/// </summary>
internal static class FleetPreflight
{
    /// <summary>At most this many GETs at once (the read budget paces them anyway).</summary>
    public const int MaxReadsInFlight = 8;

    /// <summary>The skip reason of each cluster that cannot run a command.</summary>
    /// <exception cref="OperationCanceledException">The run was cancelled during the reads.</exception>
    public static async Task<IReadOnlyDictionary<ClusterId, string>> SkipsAsync(AksRunCommandClient client, IEnumerable<ClusterId> clusters, IReadOnlyDictionary<ClusterId, ManagedClusterInfo>? known, int maxParallel, CancellationToken cancellationToken)
    {
        var skips = new Dictionary<ClusterId, string>();
        var gate = new Lock();
        var unknown = new List<ClusterId>();
        foreach (var cluster in clusters)
        {
            if (known?.GetValueOrDefault(cluster) is { } info)
            {
                if (info.CannotRunCommandReason is { } reason)
                {
                    skips[cluster] = reason;
                }
            }
            else
            {
                unknown.Add(cluster);
            }
        }

        var reads = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(maxParallel, MaxReadsInFlight), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(unknown, reads, async (cluster, ct) =>
        {
            string? reason;
            try
            {
                reason = (await client.GetClusterAsync(cluster, ct).ConfigureAwait(false)).CannotRunCommandReason;
            }
            catch (ArmRequestFailedException e) when (e.Status == 404)
            {
                reason = $"not found: ARM answered a GET of the cluster with HTTP 404{(e.ErrorCode is { } code ? " " + code : string.Empty)}";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                RunCommandLog.PreflightReadFailed(client.Logger, cluster.ResourceId, e is ArmRequestFailedException arm ? $"HTTP {arm.Status} {arm.ErrorCode}".TrimEnd() : e.GetType().Name);
                reason = null;
            }

            if (reason is not null)
            {
                lock (gate)
                {
                    skips[cluster] = reason;
                }
            }
        }).ConfigureAwait(false);
        return skips;
    }
}
