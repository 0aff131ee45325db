namespace AksRunCommand.Testing;

/// <summary>Which managedClusters read a <see cref="RecordedClusterRead"/> was.</summary>
public enum ClusterReadOperation
{
    /// <summary><c>ManagedClusters_Get</c>: one cluster.</summary>
    Get = 0,

    /// <summary><c>ManagedClusters_List</c>: the clusters of a subscription (a page of them).</summary>
    List = 1,

    /// <summary><c>ManagedClusters_ListByResourceGroup</c>: the clusters of a resource group (a page of them).</summary>
    ListByResourceGroup = 2,
}

/// <summary>A managedClusters read (get, or one page of a list) the fake received.</summary>
/// <param name="Operation">Get, List or ListByResourceGroup.</param>
/// <param name="Subscription">The subscription in the path.</param>
/// <param name="ResourceGroup">The resource group in the path; null for a list of the subscription.</param>
/// <param name="ClusterName">The cluster name in the path of a get; null for a list.</param>
/// <param name="ApiVersion">The api-version query parameter.</param>
/// <param name="SkipToken">The <c>$skipToken</c> of a page after the first; null on a first page or a get.</param>
/// <param name="AuthorizationPresent">True when an Authorization header was sent (its value is never kept).</param>
/// <param name="Status">The status the fake answered.</param>
/// <param name="Clusters">How many clusters the answer held (0 for an error).</param>
/// <param name="At">The fake's clock when the request arrived.</param>
/// <param name="Path">The request path as it arrived on the wire (percent-escaped, casing kept).</param>
public sealed record RecordedClusterRead(ClusterReadOperation Operation, Guid Subscription, string? ResourceGroup, string? ClusterName, string? ApiVersion, string? SkipToken, bool AuthorizationPresent, int Status, int Clusters, DateTimeOffset At, string Path);
