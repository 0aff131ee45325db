using System.Diagnostics;
using System.Text.Json;
using AksRunCommand.Diagnostics;
using AksRunCommand.Errors;
using AksRunCommand.Generated.Models;
using AksRunCommand.Generated.Subscriptions.Item.ResourceGroups.Item.Providers.MicrosoftContainerService.ManagedClusters.Item;
using AksRunCommand.Http;
using AksRunCommand.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using Polly;

namespace AksRunCommand.Operations;

// One GET of commandResults/{id} on the configured endpoint (never the host of a Location), retried on faults.
internal sealed class CommandPoller
{
    private readonly IRequestAdapter _adapter;
    private readonly PreparedRequest _get;
    private readonly ClusterId _clusterId;
    private readonly string _commandId;
    private readonly ResiliencePipeline<ArmResponse> _retry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RequestBudgets _budgets;

    public CommandPoller(IRequestAdapter adapter, WithResourceNameItemRequestBuilder cluster, ClusterId clusterId, string commandId, string apiVersion, ResiliencePipeline<ArmResponse> retry, RequestBudgets budgets, TimeProvider timeProvider, ILogger logger)
    {
        _logger = logger;
        _budgets = budgets;
        _adapter = adapter;

        // The generated builder makes the request once per operation; every poll sends a fresh copy of it.
        _get = PreparedRequest.From(cluster.CommandResults[commandId].ToGetRequestInformation(c => c.QueryParameters.ApiVersion = apiVersion));
        _clusterId = clusterId;
        _commandId = commandId;
        _retry = retry;
        _timeProvider = timeProvider;
    }

    /// <summary>One poll, its faults retried; <paramref name="backingOff"/> hears when a retry's backoff begins (true) and ends (false).</summary>
    /// <remarks>The poll is one span (<see cref="Telemetry.PollSpan"/>) under whatever span is current: its attempts are Kiota's HTTP spans under it.</remarks>
    public async Task<PollOutcome> PollAsync(CancellationToken cancellationToken, Action<bool>? backingOff = null, bool firstRequestPaid = false)
    {
        using var span = Telemetry.Start(Telemetry.PollSpan, _clusterId, _commandId);
        try
        {
            var outcome = await PollInSpanAsync(span, backingOff, firstRequestPaid, cancellationToken).ConfigureAwait(false);
            span?.SetTag(Telemetry.State, outcome.Finished?.ProvisioningState ?? outcome.State);
            return outcome;
        }
        catch (Exception e)
        {
            Telemetry.Fail(span, e);
            throw;
        }
    }

    private async Task<PollOutcome> PollInSpanAsync(Activity? span, Action<bool>? backingOff, bool firstRequestPaid, CancellationToken cancellationToken)
    {
        ArmResponse response;
        AttemptState attempts;
        var unpaid = firstRequestPaid ? 0 : 1; // the first request's read token, when the scheduler did not take it
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        if (backingOff is not null)
        {
            context.Properties.Set(ArmRetryPipelines.BackingOff, backingOff);
        }

        try
        {
            response = await _retry.ExecuteAsync(
                static async (context, state) =>
                {
                    if (context.Properties.TryGetValue(ArmRetryPipelines.BackingOff, out var backingOff))
                    {
                        backingOff(false);
                    }

                    if (state.Attempts++ > 0 || state.Unpaid)
                    {
                        await state.Poller._budgets.SpendAsync(state.Poller._clusterId.SubscriptionId, write: false, context.CancellationToken).ConfigureAwait(false);
                    }

                    return await state.Poller.GetAsync(state, context.CancellationToken).ConfigureAwait(false);
                },
                context,
                attempts = new AttemptState(this, unpaid == 1, span)).ConfigureAwait(false);
        }
        catch (Exception fault) when (fault is HttpRequestException or IOException or JsonException or TimeoutException
            || (fault is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw ArmErrors.NoAnswerToPoll(_clusterId, _commandId, fault);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var retries = attempts.Attempts - 1;
        switch (response.Status)
        {
            case 200 when response.Finished is { } result:
                return new PollOutcome(result, result.ProvisioningState, null) { Retries = retries };
            case 200:
                throw ArmErrors.NoAnswerToPoll(_clusterId, _commandId, new JsonException("HTTP 200 with an empty body"));
            case 429:
                // ARM throttled the poll: the command is no less running; poll again after the Retry-After.
                return new PollOutcome(null, null, RetryAfter.Read(response, _timeProvider, _logger) ?? TimeSpan.FromSeconds(1)) { Retries = retries };
            case 202:
                var state = response.RunningState;
                return new PollOutcome(null, string.IsNullOrEmpty(state) ? ProvisioningStates.Running : state, RetryAfter.Read(response, _timeProvider, _logger)) { Retries = retries };
            default:
                throw ArmErrors.FromResponse(response, "the commandResults poll", _clusterId, _commandId);
        }
    }

    private async ValueTask<ArmResponse> GetAsync(AttemptState state, CancellationToken cancellationToken)
    {
        var handler = new ArmResponseHandler();
        var request = _get.Create();
        KiotaRequestOptions.AddTo(request, handler);
        ClientRequestIds.AddTo(request, state.Span);
        await _adapter.SendNoContentAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        var response = handler.Response;
        _budgets.Learn(_clusterId.SubscriptionId, write: false, response, response.Status == 429 ? RetryAfter.Read(response, _timeProvider, _logger) : null);
        Telemetry.Answered(state.Span, response, Telemetry.PollRequest, state.Attempts);

        // A body that cannot be read (malformed JSON, wrong types, numbers out of range) is a fault of an
        // idempotent GET: parsing inside the retry lets it be retried.
        try
        {
            if (response.Status == 200)
            {
                response.Finished = response.ReadResult(_commandId, static (body, id) => CommandResultMapping.ToResult(id, body));
            }
            else if (response.Status == 202)
            {
                response.ReadRunningState();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not JsonException)
        {
            throw new JsonException($"The HTTP {response.Status} body could not be read: {e.Message}", e);
        }

        return response;
    }

    // What one poll's attempts share: the poller, whether the first attempt must still take its read token, how many
    // went out, the poll's span.
    private sealed class AttemptState(CommandPoller poller, bool unpaid, Activity? span)
    {
        public CommandPoller Poller { get; } = poller;

        public bool Unpaid { get; } = unpaid;

        public Activity? Span { get; } = span;

        public int Attempts { get; set; }
    }
}
