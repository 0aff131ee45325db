using System.Globalization;
using System.Text.Json;
using AksRunCommand.Generated.Models;
using Microsoft.Kiota.Abstractions.Serialization;

namespace AksRunCommand.ContractTests;

/// <summary>
/// The fields of a managed cluster a fleet rollout selects and preflights on (DESIGN.md section 10), as the JSON says
/// them and as the generated model reads them, in one comparable shape. Only ManagedCluster is named: its definition
/// keeps its name across api-versions; the power state's enum type does not (PowerState_code, then Code).
/// </summary>
internal sealed record ClusterFields(string? Id, string? Location, string Tags, string? ProvisioningState, string? PowerState, bool? DisableRunCommand, string? AadProfile)
{
    public static ClusterFields Of(ManagedCluster cluster) => new(
        cluster.Id,
        cluster.Location,
        Join(cluster.Tags?.AdditionalData.Select(t => (t.Key, t.Value is UntypedString s ? s.GetValue() : t.Value?.ToString()))),
        cluster.Properties?.ProvisioningState,
        cluster.Properties?.PowerState?.Code?.ToString(),
        cluster.Properties?.ApiServerAccessProfile?.DisableRunCommand,
        cluster.Properties?.AadProfile is { } aad ? Aad(aad.Managed, aad.EnableAzureRBAC, aad.TenantID) : null);

    public static ClusterFields Of(JsonElement cluster)
    {
        var properties = cluster.TryGetProperty("properties", out var p) ? p : default;
        return new(
            String(cluster, "id"),
            String(cluster, "location"),
            Join(cluster.TryGetProperty("tags", out var tags) ? tags.EnumerateObject().Select(t => (t.Name, t.Value.GetString())) : null),
            String(properties, "provisioningState"),
            properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("powerState", out var power) ? String(power, "code") : null,
            properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("apiServerAccessProfile", out var access) && access.TryGetProperty("disableRunCommand", out var disable) ? disable.GetBoolean() : null,
            properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("aadProfile", out var aad) ? Aad(Bool(aad, "managed"), Bool(aad, "enableAzureRBAC"), String(aad, "tenantID")) : null);
    }

    private static string Aad(bool? managed, bool? azureRbac, string? tenant) =>
        string.Create(CultureInfo.InvariantCulture, $"managed={managed} azureRBAC={azureRbac} tenant={tenant}");

    private static string Join(IEnumerable<(string Key, string? Value)>? tags) =>
        tags is null ? "(none)" : string.Join(";", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value));

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetBoolean() : null;
}
