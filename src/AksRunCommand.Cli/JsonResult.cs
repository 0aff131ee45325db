using System.Text.Json.Serialization;

namespace AksRunCommand.Cli;

/// <summary>What <c>-o json</c> prints: one object.</summary>
internal sealed record JsonResult(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("provisioningState")] string ProvisioningState,
    [property: JsonPropertyName("exitCode")] int? ExitCode,
    [property: JsonPropertyName("startedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finishedAt")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("logs")] string Logs,
    [property: JsonPropertyName("reason")] string? Reason)
{
    public static JsonResult From(CommandResult result) =>
        new(result.CommandId, result.ProvisioningState, result.ExitCode, result.StartedAt, result.FinishedAt, result.Logs, result.Reason);
}

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JsonResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
