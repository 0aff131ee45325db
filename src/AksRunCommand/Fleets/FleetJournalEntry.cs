using System.Text.Json.Serialization;

namespace AksRunCommand.Fleets;

/// <summary>
/// One line of a fleet journal. Never the command text, a context or a token: a fingerprint of them only.
/// Version 2 numbers the run requests of each cluster (<see cref="Attempt"/>): an intent and at most one answer
/// per number, so a line only ever speaks of its own attempt.
/// </summary>
internal sealed record FleetJournalEntry(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("cluster")] string? Cluster = null,
    [property: JsonPropertyName("attempt")] int? Attempt = null,
    [property: JsonPropertyName("commandId")] string? CommandId = null,
    [property: JsonPropertyName("final")] bool? Final = null,
    [property: JsonPropertyName("kind")] string? Kind = null,
    [property: JsonPropertyName("state")] string? State = null,
    [property: JsonPropertyName("exitCode")] int? ExitCode = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("fingerprint")] string? Fingerprint = null,
    [property: JsonPropertyName("version")] int? Version = null,
    [property: JsonPropertyName("wave")] int? Wave = null,
    [property: JsonPropertyName("clusters")] IReadOnlyList<string>? Clusters = null)
{
    /// <summary>The header: format version and the fingerprint of the command and context.</summary>
    public const string Run = "run";

    /// <summary>Written before run request <see cref="Attempt"/> goes out.</summary>
    public const string Intent = "intent";

    /// <summary>ARM answered 2xx to that attempt: the command started (with its id, or none when the Location was unusable).</summary>
    public const string Accepted = "accepted";

    /// <summary>ARM answered that attempt with an error that certainly did not start the command; <see cref="Final"/> or retryable.</summary>
    public const string Refused = "refused";

    /// <summary>That attempt never left the process (cancelled or failed before the request was sent).</summary>
    public const string NotSent = "notSent";

    /// <summary>The command's result was seen.</summary>
    public const string Finished = "finished";

    /// <summary>A wave started (<see cref="Wave"/>, its <see cref="Clusters"/>): the rollout's record, read by people, not by reruns.</summary>
    public const string WaveStarted = "wave";

    /// <summary>The rollout stopped (<see cref="Error"/> says why): nothing new started after this line.</summary>
    public const string Stopped = "stop";
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FleetJournalEntry))]
internal sealed partial class FleetJournalJson : JsonSerializerContext;
