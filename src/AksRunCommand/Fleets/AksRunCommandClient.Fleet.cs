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
    /// sends a run request that may already have been accepted. A rollout (<see cref="FleetRunOptions.Preflight"/>,
    /// <see cref="FleetRunOptions.Canary"/>, waves, <see cref="FleetRunOptions.FailureBudget"/>) skips clusters that
    /// cannot run, starts a canary first and the rest in waves, and stops starting once failures pass the budget.
    /// </summary>
    /// <param name="clusters">The clusters, each once, in the order they start (the canary is the first ones).</param>
    /// <param name="content">The command, its context and the cluster-token behaviour, the same for every cluster.</param>
    /// <param name="options">Parallelism, journal, maximum wait, rollout, progress; null for the defaults.</param>
    /// <param name="cancellationToken">Stops starting and waiting; the commands keep running on their clusters.</param>
    /// <exception cref="ArgumentException">A cluster is given twice or is the default id, or the journal belongs to another command; nothing was sent.</exception>
    public virtual IAsyncEnumerable<FleetOutcome> RunOnFleetAsync(IEnumerable<ClusterId> clusters, RunCommandContent content, FleetRunOptions? options = null, CancellationToken cancellationToken = default) =>
        Runner(Distinct(clusters), null, content, options).RunAsync(cancellationToken);

    /// <summary>
    /// Runs one command on clusters selected through ARM's list (<see cref="ListClustersAsync"/>): as
    /// <see cref="RunOnFleetAsync(IEnumerable{ClusterId}, RunCommandContent, FleetRunOptions?, CancellationToken)"/>,
    /// and the preflight decides from what the list said of each cluster, with no GET.
    /// </summary>
    /// <param name="clusters">The clusters as listed, each once, in the order they start.</param>
    /// <param name="content">The command, its context and the cluster-token behaviour, the same for every cluster.</param>
    /// <param name="options">Parallelism, journal, maximum wait, rollout, progress; null for the defaults.</param>
    /// <param name="cancellationToken">Stops starting and waiting; the commands keep running on their clusters.</param>
    /// <exception cref="ArgumentException">A cluster is given twice, or the journal belongs to another command; nothing was sent.</exception>
    public virtual IAsyncEnumerable<FleetOutcome> RunOnFleetAsync(IEnumerable<ManagedClusterInfo> clusters, RunCommandContent content, FleetRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (ids, info) = Listed(clusters);
        return Runner(ids, info, content, options).RunAsync(cancellationToken);
    }

    /// <summary>
    /// What <see cref="RunOnFleetAsync(IEnumerable{ClusterId}, RunCommandContent, FleetRunOptions?, CancellationToken)"/>
    /// would do with the same arguments, decided as it decides, with no run request (a dry run): the clusters the
    /// journal settled or will wait for again (the journal is read, neither held nor written), the preflight's skips
    /// with their reasons (one GET per cluster when <see cref="FleetRunOptions.Preflight"/> is on), and the waves.
    /// </summary>
    /// <param name="clusters">The clusters, each once, in the order they would start.</param>
    /// <param name="content">The command (a journal belongs to one command and context).</param>
    /// <param name="options">The run's options; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the preflight's reads.</param>
    /// <exception cref="ArgumentException">A cluster is given twice or is the default id, or the journal belongs to another command.</exception>
    public virtual Task<FleetPlan> PlanFleetAsync(IEnumerable<ClusterId> clusters, RunCommandContent content, FleetRunOptions? options = null, CancellationToken cancellationToken = default) =>
        Runner(Distinct(clusters), null, content, options).PlanAsync(cancellationToken);

    /// <summary>
    /// What <see cref="RunOnFleetAsync(IEnumerable{ManagedClusterInfo}, RunCommandContent, FleetRunOptions?, CancellationToken)"/>
    /// would do, with no run request and no GET: the preflight decides from what ARM's list said of each cluster.
    /// </summary>
    /// <param name="clusters">The clusters as listed, each once, in the order they would start.</param>
    /// <param name="content">The command (a journal belongs to one command and context).</param>
    /// <param name="options">The run's options; null for the defaults.</param>
    /// <param name="cancellationToken">Unused but for symmetry: nothing is read.</param>
    /// <exception cref="ArgumentException">A cluster is given twice, or the journal belongs to another command.</exception>
    public virtual Task<FleetPlan> PlanFleetAsync(IEnumerable<ManagedClusterInfo> clusters, RunCommandContent content, FleetRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (ids, info) = Listed(clusters);
        return Runner(ids, info, content, options).PlanAsync(cancellationToken);
    }

    private FleetRunner Runner(IReadOnlyList<ClusterId> clusters, IReadOnlyDictionary<ClusterId, ManagedClusterInfo>? info, RunCommandContent content, FleetRunOptions? options)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new FleetRunner(this, clusters, info, content, options ?? new FleetRunOptions());
    }

    private static List<ClusterId> Distinct(IEnumerable<ClusterId> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
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

        return list;
    }

    private static (List<ClusterId> Ids, Dictionary<ClusterId, ManagedClusterInfo> Info) Listed(IEnumerable<ManagedClusterInfo> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var listed = clusters.ToList();
        if (listed.Any(c => c is null))
        {
            throw new ArgumentException("clusters holds a null entry.", nameof(clusters));
        }

        var ids = Distinct(listed.Select(c => c.Id));
        return (ids, listed.ToDictionary(c => c.Id));
    }
}
