using System.Text.Json;
using AksRunCommand.Diagnostics;
using AksRunCommand.Errors;
using AksRunCommand.Generated.Subscriptions.Item.ResourceGroups.Item.Providers.MicrosoftContainerService.ManagedClusters.Item;
using AksRunCommand.Http;
using AksRunCommand.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;

namespace AksRunCommand.Operations;

// One GET of commandResults/{id} on the configured endpoint (never the host of a Location), its answer classified for
// the poll loop. It never waits and never retries: the loop schedules the next poll, a retry or a throttled turn.
internal sealed class CommandPoller
{
    // Faults of an idempotent GET worth a retry; a 429 is not among them (it is a throttled turn, never a failure).
    private static readonly int[] TransientStatuses = [408, 500, 502, 503, 504];

    private readonly IRequestAdapter _adapter;
    private readonly PreparedRequest _get;
    private readonly ClusterId _clusterId;
    private readonly string _commandId;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RequestBudgets _budgets;

    public CommandPoller(IRequestAdapter adapter, WithResourceNameItemRequestBuilder cluster, ClusterId clusterId, string commandId, string apiVersion, RequestBudgets budgets, TimeProvider timeProvider, ILogger logger)
    {
        _logger = logger;
        _budgets = budgets;
        _adapter = adapter;

        // The generated builder makes the request once per operation; every poll sends a fresh copy of it.
        _get = PreparedRequest.From(cluster.CommandResults[commandId].ToGetRequestInformation(c => c.QueryParameters.ApiVersion = apiVersion));
        _clusterId = clusterId;
        _commandId = commandId;
        _timeProvider = timeProvider;
    }

    /// <summary>One poll request, in its span (<see cref="Telemetry.PollSpan"/>, under whatever span is current).</summary>
    /// <param name="retry">0 for a scheduled poll; n for the n-th retry after transient faults (the span's resend count).</param>
    /// <param name="cancellationToken">Cancelled when nobody waits any more.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<PollAnswer> PollOnceAsync(int retry, CancellationToken cancellationToken)
    {
        using var span = Telemetry.Start(Telemetry.PollSpan, _clusterId, _commandId);
        try
        {
            var answer = await SendAsync(span, retry, cancellationToken).ConfigureAwait(false);
            span?.SetTag(Telemetry.State, answer.Result?.ProvisioningState ?? answer.State);
            if (answer.Kind is PollAnswerKind.Transient or PollAnswerKind.Failed && answer.Error is { } error)
            {
                Telemetry.Fail(span, error);
            }

            return answer;
        }
        catch (Exception e)
        {
            Telemetry.Fail(span, e);
            throw;
        }
    }

    private async Task<PollAnswer> SendAsync(System.Diagnostics.Activity? span, int retry, CancellationToken cancellationToken)
    {
        ArmResponse response;
        var sentAt = _timeProvider.GetTimestamp();
        try
        {
            var handler = new ArmResponseHandler();
            var request = _get.Create();
            KiotaRequestOptions.AddTo(request, handler);
            ClientRequestIds.AddTo(request, span);
            await _adapter.SendNoContentAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            response = handler.Response;
        }
        catch (Exception fault) when (!cancellationToken.IsCancellationRequested && fault is HttpRequestException or IOException or TimeoutException or JsonException or OperationCanceledException)
        {
            return PollAnswer.Transient(ArmErrors.NoAnswerToPoll(_clusterId, _commandId, fault), null, null); // no answer (a broken connection, HttpClient's timeout)
        }

        _budgets.Learn(_clusterId.SubscriptionId, RequestKind.Poll, response, response.Status == 429 ? RetryAfter.Read(response, _timeProvider, _logger) : null, sentAt);
        Telemetry.Answered(span, response, Telemetry.PollRequest, retry + 1);
        switch (response.Status)
        {
            case 200:
                return ReadFinished(response);
            case 202:
                try
                {
                    response.ReadRunningState();
                }
                catch (JsonException fault)
                {
                    return PollAnswer.Transient(ArmErrors.NoAnswerToPoll(_clusterId, _commandId, fault), RetryAfter.Read(response, _timeProvider, _logger), 202);
                }

                return PollAnswer.RunningState(string.IsNullOrEmpty(response.RunningState) ? ProvisioningStates.Running : response.RunningState, RetryAfter.Read(response, _timeProvider, _logger));
            case 429:
                // ARM throttled the poll: the command is no less running; the subscription's reads pause for the Retry-After.
                return PollAnswer.Throttled(RetryAfter.Read(response, _timeProvider, _logger) ?? TimeSpan.FromSeconds(1));
            case var status when TransientStatuses.Contains(status):
                return PollAnswer.Transient(ArmErrors.FromResponse(response, "the commandResults poll", _clusterId, _commandId), RetryAfter.Read(response, _timeProvider, _logger), status);
            default:
                return PollAnswer.Failed(ArmErrors.FromResponse(response, "the commandResults poll", _clusterId, _commandId));
        }
    }

    // A 200 whose body cannot be read as the result (empty, malformed JSON, wrong types, numbers out of range) is a
    // fault of an idempotent GET: retried.
    private PollAnswer ReadFinished(ArmResponse response)
    {
        CommandResult? result;
        try
        {
            result = response.ReadResult(_commandId, static (body, id) => CommandResultMapping.ToResult(id, body));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return PollAnswer.Transient(ArmErrors.NoAnswerToPoll(_clusterId, _commandId, new JsonException($"The HTTP 200 body could not be read: {e.Message}", e)), null, 200);
        }

        return result is null
            ? PollAnswer.Transient(ArmErrors.NoAnswerToPoll(_clusterId, _commandId, new JsonException("HTTP 200 with an empty body")), null, 200)
            : PollAnswer.Finished(result);
    }
}
