using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace AksRunCommand;

/// <summary>
/// Identifies a managed cluster: subscription, resource group and cluster name, each validated by the
/// rules of the ARM specification before any request is made.
/// </summary>
public readonly partial struct ClusterId : IEquatable<ClusterId>
{
    /// <summary>The resource group name rule of the spec (common-types v5 <c>ResourceGroupNameParameter</c>).</summary>
    public const string ResourceGroupNamePattern = @"^[-\w\._\(\)]+$";

    /// <summary>The cluster name rule of the spec (<c>ResourceNameParameter</c>).</summary>
    public const string ClusterNamePattern = "^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$";

    private const int ResourceGroupNameMaxLength = 90;
    private const int ClusterNameMaxLength = 63;

    /// <summary>Creates a cluster id, validating each part.</summary>
    /// <param name="subscriptionId">The subscription id, a GUID.</param>
    /// <param name="resourceGroupName">1 to 90 characters matching <see cref="ResourceGroupNamePattern"/>.</param>
    /// <param name="clusterName">1 to 63 characters matching <see cref="ClusterNamePattern"/>.</param>
    /// <exception cref="ArgumentException">A part breaks its rule; the message names the part and the rule.</exception>
    public ClusterId(string subscriptionId, string resourceGroupName, string clusterName)
        : this(ParseSubscription(subscriptionId), resourceGroupName, clusterName)
    {
    }

    /// <summary>Creates a cluster id, validating each part.</summary>
    /// <exception cref="ArgumentException">A part breaks its rule; the message names the part and the rule.</exception>
    public ClusterId(Guid subscriptionId, string resourceGroupName, string clusterName)
    {
        SubscriptionId = subscriptionId;
        ResourceGroupName = ValidateResourceGroupName(resourceGroupName);
        ClusterName = ValidateClusterName(clusterName);
    }

    /// <summary>The subscription id.</summary>
    public Guid SubscriptionId { get; }

    /// <summary>The resource group name (case-insensitive in ARM).</summary>
    public string ResourceGroupName { get; }

    /// <summary>The managed cluster name.</summary>
    public string ClusterName { get; }

    /// <summary>The ARM resource id: <c>/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}</c>.</summary>
    public string ResourceId => $"/subscriptions/{SubscriptionId:D}/resourceGroups/{ResourceGroupName}/providers/Microsoft.ContainerService/managedClusters/{ClusterName}";

    internal bool IsDefault => ResourceGroupName is null;

    /// <summary>Parses an ARM resource id of a managed cluster, in any casing.</summary>
    /// <exception cref="ArgumentException">The id is not a managed cluster id, or a part breaks its rule.</exception>
    public static ClusterId Parse(string resourceId)
    {
        ArgumentNullException.ThrowIfNull(resourceId);
        var match = ResourceIdRegex().Match(resourceId);
        if (!match.Success)
        {
            throw new ArgumentException(
                $"resourceId '{resourceId}' is not a managed cluster id: expected /subscriptions/{{guid}}/resourceGroups/{{name}}/providers/Microsoft.ContainerService/managedClusters/{{name}}.",
                nameof(resourceId));
        }

        return new ClusterId(match.Groups["sub"].Value, match.Groups["rg"].Value, match.Groups["name"].Value);
    }

    /// <summary>Parses an ARM resource id of a managed cluster; false when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? resourceId, out ClusterId clusterId)
    {
        clusterId = default;
        if (resourceId is null)
        {
            return false;
        }

        try
        {
            clusterId = Parse(resourceId);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public bool Equals(ClusterId other) =>
        SubscriptionId == other.SubscriptionId
        && string.Equals(ResourceGroupName, other.ResourceGroupName, StringComparison.OrdinalIgnoreCase)
        && string.Equals(ClusterName, other.ClusterName, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ClusterId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(
        SubscriptionId,
        ResourceGroupName is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(ResourceGroupName),
        ClusterName is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(ClusterName));

    /// <summary>The ARM resource id.</summary>
    public override string ToString() => IsDefault ? string.Empty : ResourceId;

    /// <summary>Equality, case-insensitive on names as in ARM.</summary>
    public static bool operator ==(ClusterId left, ClusterId right) => left.Equals(right);

    /// <summary>Inequality, case-insensitive on names as in ARM.</summary>
    public static bool operator !=(ClusterId left, ClusterId right) => !left.Equals(right);

    private static Guid ParseSubscription(string subscriptionId)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        if (!Guid.TryParseExact(subscriptionId, "D", out var guid))
        {
            throw new ArgumentException(
                $"subscriptionId '{subscriptionId}' is not a GUID: it must look like 00000000-0000-0000-0000-000000000000.",
                nameof(subscriptionId));
        }

        return guid;
    }

    private static string ValidateResourceGroupName(string resourceGroupName)
    {
        ArgumentNullException.ThrowIfNull(resourceGroupName);
        if (resourceGroupName.Length is 0 or > ResourceGroupNameMaxLength || !ResourceGroupNameRegex().IsMatch(resourceGroupName))
        {
            throw new ArgumentException(
                $"resourceGroupName '{resourceGroupName}' is invalid: it must be 1 to {ResourceGroupNameMaxLength} letters, digits, '-', '_', '.', '(' or ')' (pattern {ResourceGroupNamePattern}).",
                nameof(resourceGroupName));
        }

        return resourceGroupName;
    }

    private static string ValidateClusterName(string clusterName)
    {
        ArgumentNullException.ThrowIfNull(clusterName);
        if (clusterName.Length is 0 or > ClusterNameMaxLength || !ClusterNameRegex().IsMatch(clusterName))
        {
            throw new ArgumentException(
                $"clusterName '{clusterName}' is invalid: it must be 1 to {ClusterNameMaxLength} ASCII letters, digits, '-' or '_', starting and ending with a letter or digit (pattern {ClusterNamePattern}).",
                nameof(clusterName));
        }

        return clusterName;
    }

    // The spec's patterns with '$' as '\z': in .NET '$' also matches before a final newline, so "c\n" would pass.
    internal const string ResourceGroupNameAnchoredPattern = @"^[-\w\._\(\)]+\z";
    internal const string ClusterNameAnchoredPattern = @"^[a-zA-Z0-9]\z|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]\z";

    [GeneratedRegex(ResourceGroupNameAnchoredPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ResourceGroupNameRegex();

    [GeneratedRegex(ClusterNameAnchoredPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ClusterNameRegex();

    [GeneratedRegex(@"^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.ContainerService/managedClusters/(?<name>[^/]+)/?\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResourceIdRegex();
}
