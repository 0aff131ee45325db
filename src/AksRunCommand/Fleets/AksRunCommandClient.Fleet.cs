using AksRunCommand.Fleets;

namespace AksRunCommand;

// The fleet facet of the client: one command on many clusters, through the same scheduler and budgets.
public partial class AksRunCommandClient
{
    /// <summary>
    /// Runs one command on many clusters and yields each cluster's outcome as it finishes. At most
    /// <see cref="FleetRunOptions.MaxParallel"/> commands are in flight; run requests stay within the client's write
    /// budget and polls within its read budget (one scheduler for all). Per-cluster failures (404, 403, 413,
    /// <c>MissingAADClusterToken</c>, a start that may have been accepted, <c>Failed</c>, a non-zero exit) are
    /// outcomes, not exceptions. Cancellation stops waiting everywhere; every outcome still carries its command
    /// id where there is one. With <see cref="FleetRunOptions.JournalPath"/> the run is resumable, and a rerun never
    /// sends a run request that may already have been accepted.
    /// </summary>
    /// <param name="clusters">The clusters, each once.</param>
    /// <param name="content">The command, its context and the cluster-token behaviour, the same for every cluster.</param>
    /// <param name="options">Parallelism, journal, maximum wait, progress; null for the defaults.</param>
    /// <param name="cancellationToken">Stops starting and waiting; the commands keep running on their clusters.</param>
    /// <exception cref="ArgumentException">A cluster is given twice or is the default id, or the journal belongs to another command; nothing was sent.</exception>
    public virtual IAsyncEnumerable<FleetOutcome> RunOnFleetAsync(IEnumerable<ClusterId> clusters, RunCommandContent content, FleetRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(content);
        var list = clusters.ToList();
        var seen = new HashSet<ClusterId>();
        foreach (var cluster in list)
        {
            EnsureValid(cluster);
            if (!seen.Add(cluster))
            {
                throw new ArgumentException($"clusters holds '{cluster.ResourceId}' twice; each cluster runs the command once.", nameof(clusters));
            }
        }

        return new FleetRunner(this, list, content, options ?? new FleetRunOptions()).RunAsync(cancellationToken);
    }
}
