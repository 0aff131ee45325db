using System.Text.Json.Serialization;

namespace AksRunCommand.Benchmarks;

public sealed record RawRequest([property: JsonPropertyName("command")] string Command);

public sealed record RawProperties(
    [property: JsonPropertyName("provisioningState")] string? ProvisioningState,
    [property: JsonPropertyName("exitCode")] int? ExitCode,
    [property: JsonPropertyName("startedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finishedAt")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("logs")] string? Logs,
    [property: JsonPropertyName("reason")] string? Reason);

public sealed record RawResult([property: JsonPropertyName("id")] string? Id, [property: JsonPropertyName("properties")] RawProperties? Properties);

[JsonSerializable(typeof(RawRequest))]
[JsonSerializable(typeof(RawResult))]
public sealed partial class RawJson : JsonSerializerContext;
