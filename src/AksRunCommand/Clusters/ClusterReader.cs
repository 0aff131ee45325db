using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AksRunCommand.Diagnostics;
using AksRunCommand.Errors;
using AksRunCommand.Generated;
using AksRunCommand.Generated.Models;
using AksRunCommand.Http;
using AksRunCommand.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace AksRunCommand.Clusters;

// The managedClusters reads (get, list by subscription, list by resource group) through the generated requests. Every
// request takes a read token of its subscription first and the budget learns from every answer. A read starts nothing,
// so it is retried freely: a 429 after its Retry-After for as long as the caller's token allows, connection faults,
// timeouts, 408 and 5xx and unreadable bodies up to ArmRetryOptions.MaxRetries with backoff. nextLink is followed only
// on the configured endpoint's origin: a link elsewhere is refused before anything (and any token) is sent to it.
internal sealed class ClusterReader
{
    private static readonly int[] TransientStatuses = [408, 500, 502, 503, 504];

    private readonly BaseAksRunCommandClient _client;
    private readonly IRequestAdapter _adapter;
    private readonly RequestBudgets _budgets;
    private readonly AksRunCommandClientOptions _options;
    private readonly ILogger _logger;

    public ClusterReader(BaseAksRunCommandClient client, IRequestAdapter adapter, RequestBudgets budgets, AksRunCommandClientOptions options, ILogger logger)
    {
        _client = client;
        _adapter = adapter;
        _budgets = budgets;
        _options = options;
        _logger = logger;
    }

    public async IAsyncEnumerable<ManagedClusterInfo> ListAsync(Guid subscription, ClusterFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<ClusterId>();
        string?[] scopes = filter.ResourceGroups.Count == 0 ? [null] : [.. filter.ResourceGroups];
        foreach (var resourceGroup in scopes)
        {
            var list = resourceGroup is null
                ? $"the list of managed clusters in subscription {subscription:D}"
                : $"the list of managed clusters in resource group '{resourceGroup}' of subscription {subscription:D}";
            var request = PreparedRequest.From(FirstPage(subscription, resourceGroup));
            var followed = new HashSet<string>(StringComparer.Ordinal);
            for (var page = 1; ; page++)
            {
                var what = page == 1 ? list : string.Create(CultureInfo.InvariantCulture, $"{list} (page {page})");
                var (clusters, nextLink, response) = await SendAsync(subscription, request, what, ReadPage, cancellationToken).ConfigureAwait(false);
                foreach (var cluster in clusters)
                {
                    if (seen.Add(cluster.Id) && filter.Matches(cluster))
                    {
                        yield return cluster;
                    }
                }

                if (string.IsNullOrEmpty(nextLink))
                {
                    break;
                }

                if (!followed.Add(nextLink))
                {
                    throw ArmErrors.UnusableRead(response, what, "its nextLink is one already followed (the list would never end)");
                }

                request = PreparedRequest.From(NextPage(subscription, resourceGroup, NextPageUri(nextLink, response, what)));
            }
        }
    }

    public async Task<ManagedClusterInfo> GetAsync(ClusterId cluster, CancellationToken cancellationToken)
    {
        var request = PreparedRequest.From(_client.Subscriptions[cluster.SubscriptionId].ResourceGroups[cluster.ResourceGroupName].Providers.MicrosoftContainerService.ManagedClusters[cluster.ClusterName]
            .ToGetRequestInformation(c => c.QueryParameters.ApiVersion = _options.ApiVersion));
        var what = $"the read of managed cluster '{cluster.ClusterName}' in resource group '{cluster.ResourceGroupName}'";
        return await SendAsync(cluster.SubscriptionId, request, what, (response, _) => ReadCluster(response, cluster), cancellationToken).ConfigureAwait(false);
    }

    private RequestInformation FirstPage(Guid subscription, string? resourceGroup) => resourceGroup is null
        ? _client.Subscriptions[subscription].Providers.MicrosoftContainerService.ManagedClusters.ToGetRequestInformation(c => c.QueryParameters.ApiVersion = _options.ApiVersion)
        : _client.Subscriptions[subscription].ResourceGroups[resourceGroup].Providers.MicrosoftContainerService.ManagedClusters.ToGetRequestInformation(c => c.QueryParameters.ApiVersion = _options.ApiVersion);

    // The next page through the same generated builder, at the URL ARM gave (it carries the skip token and the api-version).
    private RequestInformation NextPage(Guid subscription, string? resourceGroup, Uri nextLink) => resourceGroup is null
        ? _client.Subscriptions[subscription].Providers.MicrosoftContainerService.ManagedClusters.WithUrl(nextLink.AbsoluteUri).ToGetRequestInformation()
        : _client.Subscriptions[subscription].ResourceGroups[resourceGroup].Providers.MicrosoftContainerService.ManagedClusters.WithUrl(nextLink.AbsoluteUri).ToGetRequestInformation();

    // A nextLink is followed only on the configured endpoint's origin (scheme, host and port), as the poll never trusts a Location's host.
    private Uri NextPageUri(string nextLink, ArmResponse response, string what)
    {
        if (!Uri.TryCreate(_options.Endpoint, nextLink, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw ArmErrors.UnusableRead(response, what, "its nextLink is not a URL");
        }

        if (Uri.Compare(uri, _options.Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw ArmErrors.UnusableRead(response, what, $"its nextLink points at {uri.GetLeftPart(UriPartial.Authority)}, not at the configured endpoint {_options.Endpoint.GetLeftPart(UriPartial.Authority)}; it was not followed (requests and tokens go only to the configured endpoint)");
        }

        if (!uri.Query.Contains("api-version=", StringComparison.OrdinalIgnoreCase))
        {
            uri = new Uri(uri.AbsoluteUri + (uri.Query.Length == 0 ? "?" : "&") + "api-version=" + Uri.EscapeDataString(_options.ApiVersion));
        }

        return uri;
    }

    private async Task<T> SendAsync<T>(Guid subscription, PreparedRequest prepared, string what, Func<ArmResponse, string, T> read, CancellationToken cancellationToken)
    {
        var faults = 0;
        for (var attempt = 1; ; attempt++)
        {
            await _budgets.SpendAsync(subscription, RequestKind.ClusterRead, cancellationToken).ConfigureAwait(false);
            var sentAt = _options.TimeProvider.GetTimestamp();
            var handler = new ArmResponseHandler();
            var request = prepared.Create();
            KiotaRequestOptions.AddTo(request, handler);
            ClientRequestIds.AddTo(request, span: null);
            try
            {
                await _adapter.SendNoContentAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception fault) when (fault is HttpRequestException or IOException or TimeoutException
                || (fault is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (++faults > _options.Retry.MaxRetries)
                {
                    throw ArmErrors.NoAnswerToRead(what, fault, attempt);
                }

                await BackOffAsync(what, fault.GetType().Name, faults, attempt, retryAfter: null, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var response = handler.Response;
            var retryAfter = RetryAfter.Read(response, _options.TimeProvider, _logger);
            _budgets.Learn(subscription, RequestKind.ClusterRead, response, response.Status == 429 ? retryAfter : null, sentAt);
            if (response.Status == 429)
            {
                // Throttled (by ARM or by the resource provider's list limit): nothing happened, so wait and ask again,
                // for as long as the caller's token allows. The budget is paused too, for every read of the subscription.
                var pause = retryAfter ?? TimeSpan.FromSeconds(1);
                RunCommandLog.Retrying(_logger, Action(what), "HTTP 429", attempt + 1, pause);
                await Task.Delay(pause, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (TransientStatuses.Contains(response.Status))
            {
                if (++faults > _options.Retry.MaxRetries)
                {
                    throw ArmErrors.ReadFailed(response, what);
                }

                await BackOffAsync(what, $"HTTP {response.Status}", faults, attempt, retryAfter, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!response.IsSuccess)
            {
                throw ArmErrors.ReadFailed(response, what);
            }

            try
            {
                return read(response, what);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException or InvalidCastException)
            {
                // An unreadable body of an idempotent GET is a fault like a broken connection: ask again.
                if (++faults > _options.Retry.MaxRetries)
                {
                    throw ArmErrors.UnusableRead(response, what, $"its body could not be read ({e.Message.TrimEnd('.')})", e);
                }

                await BackOffAsync(what, e.GetType().Name, faults, attempt, retryAfter: null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Exponential backoff with jitter (Delay, doubled per fault, at most MaxDelay); a Retry-After is a floor.
    private async Task BackOffAsync(string what, string outcome, int faults, int attempt, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var retry = _options.Retry;
        var exponential = Math.Min(retry.MaxDelay.TotalSeconds, retry.Delay.TotalSeconds * Math.Pow(2, faults - 1));
        var delay = RetryAfter.AsFloor(TimeSpan.FromSeconds(exponential * (0.75 + (0.5 * _options.Randomizer()))), retryAfter);
        RunCommandLog.Retrying(_logger, Action(what), outcome, attempt + 1, delay);
        await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    private static string Action(string what) => char.ToUpperInvariant(what[4]) + what[5..]; // "the list of ..." -> "List of ..."

    private static (List<ManagedClusterInfo> Clusters, string? NextLink, ArmResponse Response) ReadPage(ArmResponse response, string what)
    {
        using var document = Parse(response);
        var page = new JsonParseNode(document.RootElement).GetObjectValue(ManagedClusterListResult.CreateFromDiscriminatorValue)
            ?? throw new JsonException("the body is not a managed cluster list");
        var clusters = new List<ManagedClusterInfo>(page.Value?.Count ?? 0);
        foreach (var cluster in page.Value ?? [])
        {
            if (!ClusterId.TryParse(cluster.Id, out var id))
            {
                throw ArmErrors.UnusableRead(response, what, $"it lists a managed cluster whose id '{cluster.Id}' is not a managed cluster id");
            }

            clusters.Add(ToInfo(id, cluster));
        }

        return (clusters, page.NextLink, response);
    }

    private static ManagedClusterInfo ReadCluster(ArmResponse response, ClusterId requested)
    {
        using var document = Parse(response);
        var cluster = new JsonParseNode(document.RootElement).GetObjectValue(ManagedCluster.CreateFromDiscriminatorValue)
            ?? throw new JsonException("the body is not a managed cluster");
        return ToInfo(ClusterId.TryParse(cluster.Id, out var id) && id == requested ? id : requested, cluster);
    }

    private static JsonDocument Parse(ArmResponse response) =>
        response.Body.Length == 0 ? throw new JsonException("the body is empty") : JsonDocument.Parse(response.Body);

    // The fields a rollout reads. The power state's enum type changes name between api-versions (PowerState_code, Code):
    // it is never named, only read as text; a value the enum does not list reads as null, which is "unknown".
    private static ManagedClusterInfo ToInfo(ClusterId id, ManagedCluster cluster)
    {
        Dictionary<string, string>? tags = null;
        if (cluster.Tags?.AdditionalData is { Count: > 0 } data)
        {
            tags = new Dictionary<string, string>(data.Count, StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in data)
            {
                tags.TryAdd(key, value switch
                {
                    UntypedString text => text.GetValue() ?? string.Empty,
                    string text => text,
                    null or UntypedNull => string.Empty,
                    _ => value.ToString() ?? string.Empty,
                });
            }
        }

        var properties = cluster.Properties;
        return new ManagedClusterInfo(
            id,
            cluster.Location,
            tags,
            properties?.PowerState?.Code?.ToString(),
            properties?.ProvisioningState,
            properties?.ApiServerAccessProfile?.DisableRunCommand == true,
            properties?.AadProfile is not null);
    }
}
