namespace AksRunCommand;

/// <summary>
/// What a fleet run will do, decided before any run request (<c>AksRunCommandClient.PlanFleetAsync</c>, a dry
/// run): the clusters an earlier run settled (from the journal), the clusters the preflight skips and why, and the
/// waves of the rest (the canary first, when there is one).
/// </summary>
public sealed class FleetPlan
{
    internal FleetPlan(IReadOnlyList<FleetWave> waves, IReadOnlyList<FleetPlanEntry> resumed, IReadOnlyList<FleetPlanEntry> skipped, IReadOnlyList<FleetPlanEntry> settled)
    {
        Waves = waves;
        Resumed = resumed;
        Skipped = skipped;
        Settled = settled;
    }

    /// <summary>The waves, in order; the canary is the first when there is one (<see cref="FleetWave.IsCanary"/>).</summary>
    public IReadOnlyList<FleetWave> Waves { get; }

    /// <summary>The clusters whose command an earlier run of the same journal started: waited for again first (no run request, no preflight).</summary>
    public IReadOnlyList<FleetPlanEntry> Resumed { get; }

    /// <summary>The clusters the preflight found unable to run a command, with the reason; nothing is sent to them.</summary>
    public IReadOnlyList<FleetPlanEntry> Skipped { get; }

    /// <summary>The clusters an earlier run of the same journal settled (finished, refused for good, possibly started); nothing is sent to them.</summary>
    public IReadOnlyList<FleetPlanEntry> Settled { get; }

    /// <summary>Every cluster of the plan, once.</summary>
    public int Total => Waves.Sum(w => w.Clusters.Count) + Resumed.Count + Skipped.Count + Settled.Count;
}

/// <summary>One wave of a fleet run: its number (the canary is wave 0 when there is one, the others count from 1) and its clusters.</summary>
/// <param name="Number">0 for the canary, then 1, 2, ...</param>
/// <param name="IsCanary">True for the canary wave.</param>
/// <param name="Clusters">Its clusters, in the order they start.</param>
public sealed record FleetWave(int Number, bool IsCanary, IReadOnlyList<FleetPlanEntry> Clusters);

/// <summary>One cluster in a fleet plan and what will happen to it.</summary>
/// <param name="Cluster">The cluster.</param>
/// <param name="Action">Send the run request, wait again for the command an earlier run started, skip it, or report what an earlier run settled.</param>
/// <param name="Reason">Why it is skipped, settled or waited for again, or why a run request is sent again; null for a first run request.</param>
/// <param name="CommandId">The command an earlier run started, when waited for again or settled with one.</param>
public sealed record FleetPlanEntry(ClusterId Cluster, FleetPlanAction Action, string? Reason = null, string? CommandId = null);

/// <summary>What a fleet run does with a cluster.</summary>
public enum FleetPlanAction
{
    /// <summary>Send the run request and wait for the command.</summary>
    Run = 0,

    /// <summary>Wait again for the command an earlier run of the journal started (no run request).</summary>
    Resume = 1,

    /// <summary>The preflight found it unable to run a command: nothing is sent.</summary>
    Skip = 2,

    /// <summary>An earlier run of the journal settled it: its outcome is reported, nothing is sent.</summary>
    Settled = 3,
}
