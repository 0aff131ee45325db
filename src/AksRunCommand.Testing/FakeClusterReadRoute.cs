using System.Text.RegularExpressions;

namespace AksRunCommand.Testing;

/// <summary>A managedClusters read path: the subscription's list, a resource group's list, or one cluster; any casing.</summary>
internal sealed partial record FakeClusterReadRoute(ClusterReadOperation Operation, string Subscription, string? ResourceGroup, string? ClusterName)
{
    public static bool IsReadPath(string path) => TryParse(path) is not null;

    public static FakeClusterReadRoute? TryParse(string path)
    {
        var match = ReadPath().Match(path);
        if (!match.Success)
        {
            return null;
        }

        var resourceGroup = match.Groups["rg"].Success ? Uri.UnescapeDataString(match.Groups["rg"].Value) : null;
        var name = match.Groups["name"].Success ? Uri.UnescapeDataString(match.Groups["name"].Value) : null;
        if (name is not null && resourceGroup is null)
        {
            return null; // no such operation
        }

        var operation = name is not null ? ClusterReadOperation.Get : resourceGroup is not null ? ClusterReadOperation.ListByResourceGroup : ClusterReadOperation.List;
        return new FakeClusterReadRoute(operation, Uri.UnescapeDataString(match.Groups["sub"].Value), resourceGroup, name);
    }

    [GeneratedRegex(@"^/subscriptions/(?<sub>[^/]+)(?:/resourceGroups/(?<rg>[^/]+))?/providers/Microsoft\.ContainerService/managedClusters(?:/(?<name>[^/]+))?/?\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReadPath();
}
