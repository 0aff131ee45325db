using System.Text.Json.Serialization;

namespace AksRunCommand.Fleets;

/// <summary>One line of a fleet journal. Never the command text, a context or a token: a fingerprint of them only.</summary>
internal sealed record FleetJournalEntry(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("cluster")] string? Cluster = null,
    [property: JsonPropertyName("commandId")] string? CommandId = null,
    [property: JsonPropertyName("kind")] string? Kind = null,
    [property: JsonPropertyName("state")] string? State = null,
    [property: JsonPropertyName("exitCode")] int? ExitCode = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("fingerprint")] string? Fingerprint = null,
    [property: JsonPropertyName("version")] int? Version = null)
{
    public const string Run = "run";
    public const string Intent = "intent";
    public const string Accepted = "accepted";
    public const string Refused = "refused";
    public const string Finished = "finished";
    public const string NotSent = "notSent";
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FleetJournalEntry))]
internal sealed partial class FleetJournalJson : JsonSerializerContext;
