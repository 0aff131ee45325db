using System.Runtime.CompilerServices;
using AksRunCommand.Clusters;

namespace AksRunCommand;

// The cluster facet of the client: the managedClusters reads a fleet rollout selects and preflights clusters with,
// inside the same read budget as the polls.
public partial class AksRunCommandClient
{
    /// <summary>
    /// The managed clusters of a subscription that <paramref name="filter"/> selects, read through ARM's managedClusters
    /// list: one list for the subscription, or one per resource group when the filter names resource groups; every
    /// <c>nextLink</c> is followed (only on <see cref="Endpoint"/>'s host). Each page request takes a read token of the
    /// subscription's budget; a 429 is waited out (its Retry-After) and asked again for as long as
    /// <paramref name="cancellationToken"/> allows; connection faults, 408 and 5xx are retried as polls are. Each cluster
    /// is yielded once, in ARM's order.
    /// </summary>
    /// <param name="subscription">The subscription id.</param>
    /// <param name="filter">Resource groups and tags (see <see cref="ClusterFilter"/>); null for every cluster of the subscription.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    /// <exception cref="ArgumentException"><paramref name="subscription"/> is <see cref="Guid.Empty"/>; nothing was sent.</exception>
    /// <exception cref="ArmRequestFailedException">ARM refused a page (403, 404, ...), kept failing, or gave a <c>nextLink</c> on another host (not followed); carries the request ids.</exception>
    public virtual IAsyncEnumerable<ManagedClusterInfo> ListClustersAsync(Guid subscription, ClusterFilter? filter = null, CancellationToken cancellationToken = default)
    {
        if (subscription == Guid.Empty)
        {
            throw new ArgumentException("subscription is Guid.Empty: give the id of the subscription whose clusters to list.", nameof(subscription));
        }

        return ListClustersCoreAsync(subscription, filter ?? new ClusterFilter(), cancellationToken);
    }

    /// <summary>
    /// Reads one managed cluster with one GET (inside its subscription's read budget; a 429 is waited out, faults are
    /// retried as polls are): location, tags, power and provisioning state, whether run command is disabled, whether it
    /// uses Microsoft Entra ID, and <see cref="ManagedClusterInfo.CannotRunCommandReason"/>.
    /// </summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="ArgumentException">A default cluster id; nothing was sent.</exception>
    /// <exception cref="ArmRequestFailedException">ARM refused the read (404 for a cluster that does not exist, 403, ...) or kept failing; carries the status and request ids.</exception>
    public virtual Task<ManagedClusterInfo> GetClusterAsync(ClusterId cluster, CancellationToken cancellationToken = default)
    {
        EnsureValid(cluster);
        return ClusterReader().GetAsync(cluster, cancellationToken);
    }

    private async IAsyncEnumerable<ManagedClusterInfo> ListClustersCoreAsync(Guid subscription, ClusterFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var cluster in ClusterReader().ListAsync(subscription, filter, cancellationToken).ConfigureAwait(false))
        {
            yield return cluster;
        }
    }

    private ClusterReader ClusterReader() => new(_client, _adapter, _budgets, _options, _logger);
}
