using System.Net.Http.Headers;
using System.Text.Json;
using AksRunCommand.Errors;
using AksRunCommand.Generated.Models;
using Microsoft.Kiota.Serialization.Json;

namespace AksRunCommand.Http;

/// <summary>One ARM answer as the LRO rules read it: status, the few headers they need, the body.</summary>
internal sealed class ArmResponse
{
    private readonly HttpResponseHeaders? _headers;

    public ArmResponse(int status, HttpResponseHeaders? headers, byte[] body)
    {
        Status = status;
        _headers = headers;
        Body = body;
    }

    public int Status { get; }

    public byte[] Body { get; }

    /// <summary>The finished command a 200 carried, when the caller read it.</summary>
    public CommandResult? Finished { get; set; }

    /// <summary>The provisioning state of a 202's body, read without building the generated model; null when absent.</summary>
    public string? RunningState { get; private set; }

    public bool IsSuccess => Status is >= 200 and < 300;

    public string? RequestId => Header("x-ms-request-id");

    public string? CorrelationRequestId => Header("x-ms-correlation-request-id");

    // The response's own header collection outlives its disposal; only the few headers the rules need are read.
    public string? Header(string name) => _headers is not null && _headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>Every value of a header, one per line it arrived on (a repeated header is kept, not dropped).</summary>
    public IReadOnlyList<string> HeaderValues(string name) => _headers is not null && _headers.TryGetValues(name, out var values) ? [.. values] : [];

    /// <summary>Reads <c>properties.provisioningState</c> of the body; malformed JSON throws <see cref="JsonException"/>.</summary>
    public void ReadRunningState()
    {
        if (Body.Length == 0)
        {
            return;
        }

        using var document = JsonDocument.Parse(Body);
        RunningState = document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty("provisioningState", out var state)
            && state.ValueKind == JsonValueKind.String
                ? state.GetString()
                : null;
    }

    /// <summary>
    /// Parses the body once, synchronously (it is already buffered), through Kiota's <see cref="JsonParseNode"/> into
    /// the generated model, and hands the model to <paramref name="map"/> while the document is alive; the model
    /// never outlives it (Kiota's factory clones the whole document so that it may). <paramref name="map"/> gets
    /// null for an empty body. Malformed JSON, and a value of the wrong JSON type, throw <see cref="JsonException"/>.
    /// </summary>
    public T ReadResult<TState, T>(TState state, Func<RunCommandResult?, TState, T> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (Body.Length == 0)
        {
            return map(null, state);
        }

        using var document = JsonDocument.Parse(Body);
        CheckResultTypes(document.RootElement);
        var model = new JsonParseNode(document.RootElement).GetObjectValue(RunCommandResult.CreateFromDiscriminatorValue);
        return map(model, state);
    }

    // Kiota's parse node reads a value of the wrong JSON type as null, silently: a 200 whose provisioningState is a number
    // or whose exitCode is a string would become a finished command with no state or no exit code. The values a result
    // rests on are checked here, so such a body is unreadable, as malformed JSON is (a poll retries it).
    private static void CheckResultTypes(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Null)
        {
            return; // no result, like an empty body
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"The result is a JSON {root.ValueKind}, not an object.");
        }

        Expect(root, "id", JsonValueKind.String);
        if (!root.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The result has no 'properties' object.");
        }

        if (!properties.TryGetProperty("provisioningState", out var provisioningState) || provisioningState.ValueKind != JsonValueKind.String)
        {
            throw new JsonException("The result's 'provisioningState' is missing or not a string.");
        }

        Expect(properties, "exitCode", JsonValueKind.Number);
        Expect(properties, "startedAt", JsonValueKind.String);
        Expect(properties, "finishedAt", JsonValueKind.String);
        Expect(properties, "logs", JsonValueKind.String);
        Expect(properties, "reason", JsonValueKind.String);
    }

    private static void Expect(JsonElement parent, string name, JsonValueKind kind)
    {
        if (parent.TryGetProperty(name, out var value) && value.ValueKind != kind && value.ValueKind != JsonValueKind.Null)
        {
            throw new JsonException($"The result's '{name}' is a JSON {value.ValueKind}, not a {kind}.");
        }
    }

    /// <summary>
    /// The ARM error in the body (<c>{"error":{"code","message","target","details"}}</c>), read without the
    /// generated models: its shape is ARM-wide, while the generated type names change between api-versions.
    /// </summary>
    public ArmErrorBody? ParseError()
    {
        if (Body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error)
                ? ArmErrorBody.From(error)
                : null;
        }
        catch (JsonException)
        {
            return null; // an error body that is not JSON still gives status and request ids
        }
    }
}
