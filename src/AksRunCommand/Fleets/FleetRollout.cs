namespace AksRunCommand.Fleets;

/// <summary>
/// What a fleet run does with each cluster, decided before any run request: report what an earlier run settled (from
/// the journal), skip what the preflight found unable to run, wait again for commands an earlier run started, and
/// start the rest in waves (<see cref="FleetWaves"/>). A dry run prints it (<see cref="ToPlan"/>); a run follows it.
/// </summary>
internal sealed record FleetRollout(
    IReadOnlyList<ClusterPlan> Settled,
    IReadOnlyList<(ClusterPlan Plan, string Reason)> Skipped,
    IReadOnlyList<ClusterPlan> Resumed,
    IReadOnlyList<FleetRollout.Wave> Waves)
{
    /// <summary>
    /// Decides each cluster from its journal history, then preflights those that would get a run request (when
    /// <see cref="FleetRunOptions.Preflight"/> is on) and divides the rest into waves, in the order given.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled during the preflight's reads.</exception>
    public static async Task<FleetRollout> DecideAsync(AksRunCommandClient client, IReadOnlyList<ClusterPlan> plans, IReadOnlyDictionary<ClusterId, ManagedClusterInfo>? info, FleetRunOptions options, CancellationToken cancellationToken)
    {
        var toStart = plans.Where(p => p.Settled is null && p.ResumeId is null).ToList();
        var skips = options.Preflight
            ? await FleetPreflight.SkipsAsync(client, toStart.Select(p => p.Cluster), info, options.MaxParallel, cancellationToken).ConfigureAwait(false)
            : new Dictionary<ClusterId, string>();
        var waves = FleetWaves.Divide([.. toStart.Where(p => !skips.ContainsKey(p.Cluster))], options.Canary, options.WaveSize, options.Waves);
        return new FleetRollout(
            [.. plans.Where(p => p.Settled is not null)],
            [.. toStart.Where(p => skips.ContainsKey(p.Cluster)).Select(p => (p, skips[p.Cluster]))],
            [.. plans.Where(p => p.Settled is null && p.ResumeId is not null)],
            [.. waves.Select(w => new Wave(w.Number, w.IsCanary, w.Clusters))]);
    }

    /// <summary>The public plan: what a dry run prints.</summary>
    public FleetPlan ToPlan() => new(
        [.. Waves.Select(w => new FleetWave(w.Number, w.IsCanary, [.. w.Clusters.Select(p => new FleetPlanEntry(p.Cluster, FleetPlanAction.Run, p.EarlierUnanswered ? "sent again: an earlier run's request got no answer (the command may have started)" : null))]))],
        [.. Resumed.Select(p => new FleetPlanEntry(p.Cluster, FleetPlanAction.Resume, "started by an earlier run: waited for again", p.ResumeId))],
        [.. Skipped.Select(s => new FleetPlanEntry(s.Plan.Cluster, FleetPlanAction.Skip, s.Reason))],
        [.. Settled.Select(p => new FleetPlanEntry(p.Cluster, FleetPlanAction.Settled, $"{p.Settled!.Kind} in an earlier run{(p.Settled.ErrorLine is { } line ? ": " + line : string.Empty)}", p.Settled.CommandId))]);

    /// <summary>One wave: 0 for the canary, then 1, 2, ...</summary>
    public sealed record Wave(int Number, bool IsCanary, IReadOnlyList<ClusterPlan> Clusters);
}
