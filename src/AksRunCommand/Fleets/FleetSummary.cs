namespace AksRunCommand;

/// <summary>The outcomes of a fleet run, counted.</summary>
public sealed class FleetSummary
{
    private readonly Dictionary<FleetOutcomeKind, int> _counts = [];

    /// <summary>Counts <paramref name="outcomes"/>.</summary>
    public static FleetSummary Of(IEnumerable<FleetOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var summary = new FleetSummary();
        foreach (var outcome in outcomes)
        {
            summary.Add(outcome);
        }

        return summary;
    }

    /// <summary>Clusters counted.</summary>
    public int Total { get; private set; }

    /// <summary>True when every cluster's command ran and exited 0.</summary>
    public bool AllSucceeded => Total > 0 && Count(FleetOutcomeKind.Succeeded) == Total;

    /// <summary>Counts one more outcome.</summary>
    public void Add(FleetOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _counts[outcome.Kind] = Count(outcome.Kind) + 1;
        Total++;
    }

    /// <summary>How many clusters ended this way.</summary>
    public int Count(FleetOutcomeKind kind) => _counts.GetValueOrDefault(kind);

    /// <summary>"12 clusters: 8 Succeeded, 1 NonZeroExit, ..." (kinds with a count only).</summary>
    public override string ToString() =>
        $"{Total} cluster(s): " + string.Join(", ", Enum.GetValues<FleetOutcomeKind>().Where(k => Count(k) > 0).Select(k => $"{Count(k)} {k}"));
}
