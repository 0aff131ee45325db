using System.Globalization;

namespace AksRunCommand;

/// <summary>
/// How many clusters of a fleet run may fail before nothing new starts: a count, or a percentage of the clusters in
/// the run. Once exceeded, running commands are waited for and the rest are reported not started (and stay startable
/// by a rerun with the journal). A failure is any outcome but success (a skipped cluster counts only with
/// <see cref="FleetRunOptions.SkippedIsFailure"/>); outcomes an earlier run recorded in the journal do not count.
/// </summary>
public sealed class FleetFailureBudget
{
    private FleetFailureBudget(int? count, double? percent)
    {
        Count = count;
        Percent = percent;
    }

    /// <summary>The failures allowed, when given as a count.</summary>
    public int? Count { get; }

    /// <summary>The failures allowed as a percentage of the clusters in the run (rounded down), when given so.</summary>
    public double? Percent { get; }

    /// <summary>At most <paramref name="failures"/> failures (0 stops at the first one).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public static FleetFailureBudget Failures(int failures) => failures >= 0
        ? new FleetFailureBudget(failures, null)
        : throw new ArgumentOutOfRangeException(nameof(failures), failures, "failures must be 0 or more (0 stops the rollout at the first failure).");

    /// <summary>At most <paramref name="percent"/> % of the run's clusters may fail (the count rounded down).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 to 100.</exception>
    public static FleetFailureBudget PercentOfClusters(double percent) => percent is >= 0 and <= 100
        ? new FleetFailureBudget(null, percent)
        : throw new ArgumentOutOfRangeException(nameof(percent), percent, "percent must be 0 to 100.");

    /// <summary>Reads <c>N</c> (a count) or <c>P%</c> (a percentage), as <c>aks-run fleet --max-failures</c> takes it.</summary>
    /// <exception cref="ArgumentException">Neither a count of 0 or more nor a percentage of 0 to 100.</exception>
    public static FleetFailureBudget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.EndsWith('%') && double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100)
        {
            return PercentOfClusters(percent);
        }

        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return Failures(count);
        }

        throw new ArgumentException($"'{text}' is not a failure budget: give a count (2) or a percentage of the clusters (10%).", nameof(text));
    }

    /// <summary>The failures allowed in a run of <paramref name="clusters"/> clusters.</summary>
    public int AllowedOf(int clusters) => Count ?? (int)Math.Floor(Percent!.Value * clusters / 100);

    /// <summary>"2" or "10%".</summary>
    public override string ToString() => Count?.ToString(CultureInfo.InvariantCulture) ?? Percent!.Value.ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
