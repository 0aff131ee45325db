using System.Globalization;
using System.Text.Json.Nodes;
using WireMock;

namespace AksRunCommand.Testing;

// The managedClusters reads: get one cluster, list a subscription's or a resource group's clusters in pages with an
// absolute nextLink, from the clusters made with Cluster(id). ARM's read budget comes first (its 429 carries the
// remaining-reads header), then the resource provider's LIST limit (its 429 carries none).
public sealed partial class FakeAks
{
    private const string SkipTokenParameter = "$skipToken";
    private readonly List<RecordedClusterRead> _clusterReads = [];
    private readonly Queue<FakeFault> _clusterReadFaults = new();
    private readonly List<ClusterId> _clusterOrder = [];

    /// <summary>Every managedClusters read received (gets and list pages), in order.</summary>
    public IReadOnlyList<RecordedClusterRead> ClusterReads
    {
        get
        {
            lock (_gate)
            {
                return [.. _clusterReads];
            }
        }
    }

    /// <summary>
    /// The next managedClusters reads (gets and list pages, in the order they arrive) get these answers, one each, before
    /// anything else is checked (for example <see cref="FakeFault.ArmError"/> 403, <see cref="FakeFault.Throttled"/>,
    /// <see cref="FakeFault.ServerError"/>); the reads after them are answered as usual.
    /// </summary>
    public void OnClusterReads(params FakeFault[] faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        lock (_gate)
        {
            foreach (var fault in faults)
            {
                _clusterReadFaults.Enqueue(fault ?? throw new ArgumentNullException(nameof(faults)));
            }
        }
    }

    private IResponseMessage OnClusterRead(IRequestMessage request, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var route = FakeClusterReadRoute.TryParse(request.Path)!;
        var apiVersion = FakeAksRequests.ApiVersion(request);
        var skipToken = request.Query is { } query && query.TryGetValue(SkipTokenParameter, out var token) ? token.FirstOrDefault() : null;
        var at = _options.TimeProvider.GetUtcNow();
        Guid.TryParseExact(route.Subscription, "D", out var subscription);
        var (response, clusters) = Answer(request, route, subscription, apiVersion, skipToken, ref delay);
        lock (_gate)
        {
            _clusterReads.Add(new RecordedClusterRead(route.Operation, subscription, route.ResourceGroup, route.ClusterName, apiVersion, skipToken, FakeAksRequests.HasAuthorization(request), FakeAksRequests.StatusOf(response), clusters, at, FakeAksRequests.RawPath(request)));
        }

        return response;
    }

    private (IResponseMessage Response, int Clusters) Answer(IRequestMessage request, FakeClusterReadRoute route, Guid subscription, string? apiVersion, string? skipToken, ref TimeSpan delay)
    {
        FakeFault? fault = null;
        lock (_gate)
        {
            _clusterReadFaults.TryDequeue(out fault);
        }

        if (fault is not null)
        {
            delay = fault.Delay ?? TimeSpan.Zero;
            return (FakeAnswers.Fault(fault, null, _options.TimeProvider), 0);
        }

        if (subscription == Guid.Empty)
        {
            return (FakeAnswers.Error(400, "InvalidSubscriptionId", $"The provided subscription identifier '{route.Subscription}' is malformed or invalid."), 0);
        }

        if (_options.ExpectedBearerToken is { } expected && !FakeAksRequests.HasBearer(request, expected))
        {
            return (FakeAnswers.Error(401, "InvalidAuthenticationToken", "The access token is invalid."), 0);
        }

        (string Name, string Value)? remaining = null;
        if (_buckets is not null)
        {
            const string header = "x-ms-ratelimit-remaining-subscription-reads";
            var (allowed, left, retryAfter) = _buckets.Take(subscription, FakeAksRequests.Authorization(request), write: false);
            if (!allowed)
            {
                var throttled = FakeAnswers.Error(429, "TooManyRequests", $"The request for subscription '{subscription}' could not be processed due to an excessive volume of traffic. Please try again later.");
                throttled.AddHeader("Retry-After", retryAfter.ToString(CultureInfo.InvariantCulture));
                throttled.AddHeader(header, "0");
                return (throttled, 0);
            }

            remaining = (header, left.ToString(CultureInfo.InvariantCulture));
        }

        var stamp = new FakeAksTarget(default, apiVersion, null, null, remaining);
        if (string.IsNullOrEmpty(apiVersion))
        {
            return (stamp.Stamp(FakeAnswers.Error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")), 0);
        }

        var provider = ProviderBuckets();
        var limit = provider is null ? (true, 0)
            : route.Operation == ClusterReadOperation.Get && TryCluster(subscription, route) is { } one ? provider.TakeClusterGet(one)
            : route.Operation != ClusterReadOperation.Get ? provider.TakeList(subscription, route.ResourceGroup)
            : (true, 0);
        if (limit is { Item1: false } limited)
        {
            // The resource provider's own limit: a 429 with Retry-After and no remaining-budget header.
            var throttled = route.Operation == ClusterReadOperation.Get
                ? FakeAnswers.Error(429, "Throttled", $"Too many requests to get managed cluster '{route.ClusterName}'; the limit is per cluster.")
                : FakeAnswers.Error(429, "Throttled", $"Too many requests to list managed clusters in {(route.ResourceGroup is null ? $"subscription '{subscription}'" : $"resource group '{route.ResourceGroup}'")}; the limit is per {(route.ResourceGroup is null ? "subscription" : "resource group")}.");
            throttled.AddHeader("Retry-After", limited.Item2.ToString(CultureInfo.InvariantCulture));
            return (throttled, 0);
        }

        var (answer, count) = route.Operation == ClusterReadOperation.Get
            ? GetCluster(subscription, route)
            : ListClusters(request, subscription, route, apiVersion, skipToken);
        return (stamp.Stamp(answer), count);
    }

    private FakeProviderBuckets? ProviderBuckets()
    {
        if (_options.Throttling is not { HasProviderLimits: true } throttling)
        {
            return null;
        }

        lock (_gate)
        {
            return _providerBuckets ??= new FakeProviderBuckets(throttling, _options.TimeProvider);
        }
    }

    private static ClusterId? TryCluster(Guid subscription, FakeClusterReadRoute route) =>
        route.ResourceGroup is { } group && route.ClusterName is { } name && ClusterId.TryParse($"/subscriptions/{subscription:D}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/{name}", out var id) ? id : null;

    private (IResponseMessage, int) GetCluster(Guid subscription, FakeClusterReadRoute route)
    {
        ClusterId cluster;
        try
        {
            cluster = new ClusterId(subscription, route.ResourceGroup!, route.ClusterName!);
        }
        catch (ArgumentException e)
        {
            return (FakeAnswers.Error(400, "InvalidParameter", e.Message), 0);
        }

        FakeCluster? behaviour;
        lock (_gate)
        {
            _clusters.TryGetValue(cluster, out behaviour);
        }

        if (!(behaviour?.Exists ?? _options.ClusterExists(cluster)))
        {
            return (FakeAnswers.Error(404, "ResourceNotFound", $"The Resource 'Microsoft.ContainerService/managedClusters/{cluster.ClusterName}' under resource group '{cluster.ResourceGroupName}' was not found."), 0);
        }

        return (FakeAnswers.Json(200, FakeClusterJson.Render(cluster, behaviour)), 1);
    }

    private (IResponseMessage, int) ListClusters(IRequestMessage request, Guid subscription, FakeClusterReadRoute route, string? apiVersion, string? skipToken)
    {
        var offset = 0;
        if (skipToken is not null && (!int.TryParse(skipToken, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            return (FakeAnswers.Error(400, "InvalidSkipToken", $"The skip token '{skipToken}' is not valid."), 0);
        }

        List<(ClusterId Id, FakeCluster Behaviour)> all;
        lock (_gate)
        {
            all = [.. _clusterOrder
                .Select(id => (id, _clusters[id]))
                .Where(c => c.id.SubscriptionId == subscription
                    && (route.ResourceGroup is null || string.Equals(c.id.ResourceGroupName, route.ResourceGroup, StringComparison.OrdinalIgnoreCase))
                    && (c.Item2.Exists ?? _options.ClusterExists(c.id)))];
        }

        var page = all.Skip(offset).Take(_options.ListPageSize).ToList();
        var body = new JsonObject { ["value"] = new JsonArray([.. page.Select(c => (JsonNode)FakeClusterJson.Render(c.Id, c.Behaviour))]) };
        var next = offset + page.Count;
        if (next < all.Count)
        {
            var host = (_options.NextLinkHost ?? Endpoint).GetLeftPart(UriPartial.Authority);
            body["nextLink"] = string.Create(CultureInfo.InvariantCulture, $"{host}{FakeAksRequests.RawPath(request)}?api-version={Uri.EscapeDataString(apiVersion!)}&{SkipTokenParameter}={next}");
        }

        return (FakeAnswers.Json(200, body), page.Count);
    }
}
