using System.Text.Json.Serialization;

namespace AksRunCommand.Cli.Fleet;

/// <summary>What <c>-o json</c> and <c>-o jsonl</c> print per cluster.</summary>
internal sealed record FleetResult(
    [property: JsonPropertyName("cluster")] string Cluster,
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
        outcome.CommandId,
        outcome.ProvisioningState,
        outcome.ExitCode,
        outcome.Result?.StartedAt,
        outcome.Result?.FinishedAt,
        outcome.Result?.Logs,
        outcome.Result?.Reason,
        outcome.Kind is FleetOutcomeKind.Succeeded or FleetOutcomeKind.NonZeroExit ? null : outcome.ErrorLine ?? outcome.Kind.ToString());
}

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FleetResult))]
[JsonSerializable(typeof(List<FleetResult>))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
