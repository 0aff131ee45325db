using System.Text.Json.Serialization;

namespace AksRunCommand.Cli.Fleet;

/// <summary>What <c>-o json</c> (in <see cref="FleetReport.Results"/>) and <c>-o jsonl</c> print per cluster.</summary>
internal sealed record FleetResult(
    [property: JsonPropertyName("cluster")] string Cluster,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("wave")] int? Wave,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("provisioningState")] string? ProvisioningState,
    [property: JsonPropertyName("exitCode")] int? ExitCode,
    [property: JsonPropertyName("startedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finishedAt")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("logs")] string? Logs,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("error")] string? Error)
{
    public static FleetResult From(FleetOutcome outcome) => new(
        outcome.Cluster.ResourceId,
        outcome.Kind.ToString(),
        outcome.Wave,
        outcome.CommandId,
        outcome.ProvisioningState,
        outcome.ExitCode,
        outcome.Result?.StartedAt,
        outcome.Result?.FinishedAt,
        outcome.Result?.Logs,
        outcome.Result?.Reason,
        outcome.Kind is FleetOutcomeKind.Succeeded or FleetOutcomeKind.NonZeroExit ? null : outcome.ErrorLine ?? outcome.Kind.ToString());
}

/// <summary>What <c>-o json</c> prints at the end: the counts, the counts of each wave, and each cluster's result in the order given.</summary>
internal sealed record FleetReport(
    [property: JsonPropertyName("summary")] FleetCounts Summary,
    [property: JsonPropertyName("waves")] List<FleetWaveCounts> Waves,
    [property: JsonPropertyName("results")] List<FleetResult> Results);

/// <summary>The counts of a run: clusters, whether all succeeded (the exit status), each outcome's count, why the rollout stopped.</summary>
internal sealed record FleetCounts(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("allSucceeded")] bool AllSucceeded,
    [property: JsonPropertyName("counts")] Dictionary<string, int> Counts,
    [property: JsonPropertyName("stopReason")] string? StopReason)
{
    public static FleetCounts From(FleetSummary summary) => new(summary.Total, summary.AllSucceeded, CountsOf(summary), summary.StopReason);

    public static Dictionary<string, int> CountsOf(FleetSummary summary) =>
        Enum.GetValues<FleetOutcomeKind>().Where(k => summary.Count(k) > 0).ToDictionary(k => k.ToString(), summary.Count);
}

/// <summary>The counts of one wave (0 is the canary).</summary>
internal sealed record FleetWaveCounts(
    [property: JsonPropertyName("wave")] int Wave,
    [property: JsonPropertyName("canary")] bool Canary,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("counts")] Dictionary<string, int> Counts);

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FleetResult))]
[JsonSerializable(typeof(FleetReport))]
[JsonSerializable(typeof(FleetPlanReport))]
[JsonSerializable(typeof(FleetPlanRow))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
