namespace AksRunCommand;

/// <summary>The outcomes of a fleet run, counted: in all, per wave, and why the rollout stopped when it did.</summary>
public sealed class FleetSummary
{
    private readonly Dictionary<FleetOutcomeKind, int> _counts = [];
    private readonly SortedDictionary<int, FleetSummary> _waves = [];
    private readonly bool _isWave;

    /// <summary>Counts nothing yet; <see cref="Add"/> counts each outcome. Skipped clusters are not failures.</summary>
    public FleetSummary()
    {
    }

    /// <summary>Counts nothing yet; <see cref="Add"/> counts each outcome.</summary>
    /// <param name="skippedIsFailure">Count skipped clusters as failures (<see cref="FleetRunOptions.SkippedIsFailure"/>, <c>aks-run fleet --strict</c>).</param>
    public FleetSummary(bool skippedIsFailure) => SkippedIsFailure = skippedIsFailure;

    private FleetSummary(bool skippedIsFailure, bool isWave)
        : this(skippedIsFailure) => _isWave = isWave;

    /// <summary>Counts <paramref name="outcomes"/>; skipped clusters are not failures.</summary>
    public static FleetSummary Of(IEnumerable<FleetOutcome> outcomes) => Of(outcomes, skippedIsFailure: false);

    /// <summary>Counts <paramref name="outcomes"/>.</summary>
    /// <param name="outcomes">The outcomes of a run.</param>
    /// <param name="skippedIsFailure">Count skipped clusters as failures.</param>
    public static FleetSummary Of(IEnumerable<FleetOutcome> outcomes, bool skippedIsFailure)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var summary = new FleetSummary(skippedIsFailure);
        foreach (var outcome in outcomes)
        {
            summary.Add(outcome);
        }

        return summary;
    }

    /// <summary>Clusters counted.</summary>
    public int Total { get; private set; }

    /// <summary>Whether a skipped cluster is a failure for <see cref="AllSucceeded"/>.</summary>
    public bool SkippedIsFailure { get; }

    /// <summary>
    /// True when every cluster's command ran and exited 0, skipped clusters aside (unless <see cref="SkippedIsFailure"/>);
    /// false when nothing was counted.
    /// </summary>
    public bool AllSucceeded => Total > 0 && Count(FleetOutcomeKind.Succeeded) + (SkippedIsFailure ? 0 : Count(FleetOutcomeKind.Skipped)) == Total;

    /// <summary>Why the rollout stopped before every cluster's turn (the canary failed, the failure budget was exceeded); null when it did not.</summary>
    public string? StopReason { get; private set; }

    /// <summary>The counts of each wave (0 is the canary), in order; clusters in no wave (settled earlier, skipped) are in none. Empty for a wave's own counts.</summary>
    public IReadOnlyDictionary<int, FleetSummary> Waves => _waves;

    /// <summary>Counts one more outcome.</summary>
    public void Add(FleetOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _counts[outcome.Kind] = Count(outcome.Kind) + 1;
        Total++;
        StopReason ??= outcome.StopReason;
        if (outcome.Wave is { } wave && !_isWave)
        {
            if (!_waves.TryGetValue(wave, out var counts))
            {
                _waves[wave] = counts = new FleetSummary(SkippedIsFailure, isWave: true);
            }

            counts.Add(outcome);
        }
    }

    /// <summary>How many clusters ended this way.</summary>
    public int Count(FleetOutcomeKind kind) => _counts.GetValueOrDefault(kind);

    /// <summary>"12 cluster(s): 8 Succeeded, 1 NonZeroExit, ..." (kinds with a count only), then the stop's reason when the rollout stopped.</summary>
    public override string ToString() =>
        $"{Total} cluster(s): " + Counts() + (StopReason is { } stop ? $"; the rollout stopped: {stop}" : string.Empty);

    /// <summary>"8 Succeeded, 1 NonZeroExit" (kinds with a count only).</summary>
    public string Counts() => string.Join(", ", Enum.GetValues<FleetOutcomeKind>().Where(k => Count(k) > 0).Select(k => $"{Count(k)} {k}"));
}
