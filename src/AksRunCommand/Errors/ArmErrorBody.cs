using System.Text.Json;

namespace AksRunCommand.Errors;

/// <summary>The <c>error</c> object of an ARM error response.</summary>
internal sealed record ArmErrorBody(string? Code, string? Message, string? Target, IReadOnlyList<ArmErrorDetail> Details)
{
    public static ArmErrorBody? From(JsonElement error) => error.ValueKind != JsonValueKind.Object
        ? null
        : new ArmErrorBody(
            Text(error, "code"),
            Text(error, "message"),
            Text(error, "target"),
            error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array
                ? details.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.Object).Select(d => new ArmErrorDetail(Text(d, "code"), Text(d, "message"), Text(d, "target"))).ToArray()
                : []);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
