using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using AksRunCommand.Diagnostics;
using AksRunCommand.Errors;
using AksRunCommand.Generated.Models;
using AksRunCommand.Generated.Subscriptions.Item.ResourceGroups.Item.Providers.MicrosoftContainerService.ManagedClusters.Item;
using AksRunCommand.Http;
using AksRunCommand.Polling;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;

namespace AksRunCommand.Operations;

// The run requests of one start. A request is resent only where the service certainly did not accept it: a 429
// (after the write budget and its Retry-After), and MissingAADClusterToken once; never after a 5xx, a timeout or a
// broken connection, and no handler of the pipeline may resend it. Each request is one numbered attempt: its
// intent is journaled before it goes out and exactly one answer after (none when no definitive answer came).
internal sealed class CommandStarter
{
    /// <summary>The AKS Microsoft Entra ID server application; the same id in every cloud.</summary>
    public const string AksServerApplicationScope = "6dae42f8-4368-4678-94ff-3960e28e3630/.default";

    private readonly IRequestAdapter _adapter;
    private readonly TokenCache? _tokens;
    private readonly AksRunCommandClientOptions _options;
    private readonly ILogger _logger;
    private readonly RequestBudgets _budgets;
    private readonly bool _guarded;

    // guarded: the client built (or DI configured) the pipeline with the run request's guard next to the transport, so
    // "not sent" can be known; false assumes that any request handed to the adapter may have left.
    public CommandStarter(IRequestAdapter adapter, TokenCache? tokens, RequestBudgets budgets, AksRunCommandClientOptions options, ILogger logger, bool guarded)
    {
        _budgets = budgets;
        _adapter = adapter;
        _tokens = tokens;
        _options = options;
        _logger = logger;
        _guarded = guarded;
    }

    /// <summary>The run request, in its span (<see cref="Telemetry.StartSpan"/>, a child of the caller's run span).</summary>
    /// <exception cref="RunCommandStartCanceledException">Cancelled; says whether a request was on the network.</exception>
    /// <exception cref="ArmRequestFailedException">Refused, or no definitive answer (<see cref="ArmRequestFailedException.CommandMayHaveStarted"/>), or accepted without a usable id.</exception>
    /// <exception cref="ArgumentException">The request is over the size limit; nothing was sent.</exception>
    public async Task<StartOutcome> StartAsync(WithResourceNameItemRequestBuilder clusterBuilder, ClusterId cluster, RunCommandContent content, RunRequestPolicy policy, CancellationToken cancellationToken)
    {
        using var span = Telemetry.Start(Telemetry.StartSpan, cluster);
        try
        {
            var started = await StartInSpanAsync(clusterBuilder, cluster, content, policy, span, cancellationToken).ConfigureAwait(false);
            Telemetry.CommandsStarted.Add(1);
            span?.SetTag(Telemetry.CommandId, started.CommandId);
            return started;
        }
        catch (Exception e)
        {
            Telemetry.Fail(span, e);
            throw;
        }
    }

    private async Task<StartOutcome> StartInSpanAsync(WithResourceNameItemRequestBuilder clusterBuilder, ClusterId cluster, RunCommandContent content, RunRequestPolicy policy, Activity? span, CancellationToken cancellationToken)
    {
        var journal = policy.Journal;
        var body = new RunCommandRequest { Command = content.Command, Context = content.Context?.Base64 };
        if (content.ClusterToken == ClusterTokenMode.Always)
        {
            body.ClusterToken = await GetClusterTokenAsync(cluster, cancellationToken).ConfigureAwait(false);
        }

        var sends = 0;
        var throttled = 0;
        PreparedRequest? target = null; // the run request's URI, expanded once per start
        while (true)
        {
            // The write budget: a token, and any 429 pause of the subscription (the Retry-After lives there).
            bool spent;
            try
            {
                spent = await _budgets.SpendAsync(cluster.SubscriptionId, RequestKind.Run, policy.SendBy, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException canceled) when (cancellationToken.IsCancellationRequested)
            {
                throw new RunCommandStartCanceledException(cluster, commandMayHaveStarted: false, canceled, cancellationToken);
            }

            if (!spent)
            {
                throw new RunCommandStartCanceledException(cluster, commandMayHaveStarted: false, null, CancellationToken.None); // the caller's send-by time came first
            }

            var request = Serialize(clusterBuilder, body); // throws before anything is sent (and journaled) when too large
            (target ??= PreparedRequest.From(request)).Apply(request);
            var handler = new ArmResponseHandler();
            var guard = new RunRequestGuard();
            KiotaRequestOptions.AddTo(request, handler, guard);
            ClientRequestIds.AddTo(request, span);
            int attempt;
            long sentAt;
            ArmResponse response;
            try
            {
                attempt = journal is null ? sends + 1 : await journal.IntentAsync().ConfigureAwait(false); // on disk before the request goes out
                sends++;
                sentAt = _options.TimeProvider.GetTimestamp();
                try
                {
                    await _adapter.SendNoContentAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
                    response = handler.Response;
                }
                catch (RunRequestResendRefusedException refused) when (refused.Answers.Count > 0 && refused.Answers.All(s => s == 429))
                {
                    response = new ArmResponse(429, null, []); // a handler retried a throttle; the service did not accept it
                }
                catch (Exception fault)
                {
                    ExceptionDispatchInfo.Throw(await UnansweredAsync(fault, guard, journal, attempt, cluster, cancellationToken).ConfigureAwait(false));
                    throw; // not reached
                }
            }
            finally
            {
                request.Content?.Dispose(); // the serialization writer's pooled stream
            }

            var throttledFor = response.Status == 429 ? RetryAfter.Read(response, _options.TimeProvider, _logger) ?? TimeSpan.FromSeconds(1) : (TimeSpan?)null;
            _budgets.Learn(cluster.SubscriptionId, RequestKind.Run, response, throttledFor, sentAt);
            Telemetry.Answered(span, response, Telemetry.RunRequest, sends);
            if (response.IsSuccess)
            {
                var started = response.Status == 200 ? FinishedOnStart(response) : AcceptedOn202(response);
                if (journal is not null)
                {
                    await RecordAcceptedAsync(journal, attempt, started?.CommandId).ConfigureAwait(false);
                }

                span?.SetTag(Telemetry.ClusterToken, body.ClusterToken is not null);
                if (started is null)
                {
                    throw ArmErrors.AcceptedWithoutLocation(response, cluster);
                }

                RunCommandLog.CommandStarted(_logger, started.CommandId, cluster.ClusterName, response.Status, sends);
                return started with { Retries = sends - 1, ClusterTokenSent = body.ClusterToken is not null };
            }

            var error = ArmErrors.FromResponse(response, "the runCommand request", cluster, null);
            if (error.CommandMayHaveStarted)
            {
                throw error; // no definitive answer (5xx): the intent stays unanswered, the request is never resent
            }

            var retryable = RunRequestRefusals.IsRetryable(response.Status, error.ErrorCode, error.ErrorMessage);
            if (journal is not null)
            {
                await journal.RefusedAsync(attempt, final: !retryable, OneLine(error.Message)).ConfigureAwait(false);
            }

            if (response.Status == 429 && (policy.UntilAccepted || ++throttled <= _options.Retry.MaxRetries))
            {
                // The service did not accept it: send it again once the budget (paused for the Retry-After) allows.
                Telemetry.Retrying(span, Telemetry.RunRequest, 429, null, throttledFor!.Value, sends);
                RunCommandLog.Retrying(_logger, "Run request", "HTTP 429", sends, throttledFor.Value);
                continue;
            }

            var canResendWithToken = content.ClusterToken == ClusterTokenMode.Auto && body.ClusterToken is null && _tokens is not null;
            if (canResendWithToken && string.Equals(error.ErrorCode, ArmErrors.MissingAadClusterToken, StringComparison.OrdinalIgnoreCase))
            {
                RunCommandLog.ResendingWithClusterToken(_logger);
                body.ClusterToken = await GetClusterTokenAsync(cluster, cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw error;
        }
    }

    // A request that got no answer: cancelled, refused a resend by the guard, or a fault. Whether it may have started the
    // command depends on whether it reached the transport; an attempt that certainly did not is journaled as not sent.
    private async Task<Exception> UnansweredAsync(Exception fault, RunRequestGuard guard, IRunRequestJournal? journal, int attempt, ClusterId cluster, CancellationToken cancellationToken)
    {
        var reachedTransport = guard.Sends > 0 || !_guarded;
        if (fault is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            if (!reachedTransport && journal is not null)
            {
                await journal.NotSentAsync(attempt, "cancelled before the request was sent").ConfigureAwait(false);
            }

            return new RunCommandStartCanceledException(cluster, commandMayHaveStarted: reachedTransport, fault, cancellationToken);
        }

        if (fault is RunRequestResendRefusedException refused)
        {
            // A handler of the pipeline tried to resend it; what the service answered the one send that went out decides.
            var first = refused.Answers.Count > 0 ? refused.Answers[0] : 0;
            if (journal is not null && first is >= 200 and < 300)
            {
                await RecordAcceptedAsync(journal, attempt, commandId: null).ConfigureAwait(false);
            }
            else if (journal is not null && first is >= 400 and < 500)
            {
                await journal.RefusedAsync(attempt, final: !RunRequestRefusals.IsRetryable(first, null, null), $"HTTP {first} (then a handler of the HttpClient pipeline tried to resend it)").ConfigureAwait(false);
            }

            return ArmErrors.ResendRefused(cluster, refused);
        }

        if (!reachedTransport)
        {
            // Nothing left the process (a credential that cannot give a token, say): nothing was accepted.
            if (journal is not null)
            {
                await journal.NotSentAsync(attempt, OneLine(fault.Message)).ConfigureAwait(false);
            }

            return fault; // as it came (an AuthenticationFailedException stays one): the caller knows nothing was sent
        }

        return ArmErrors.NoAnswerToStart(cluster, fault);
    }

    // A journal line after an acceptance: the command runs whatever the disk says, so a failed write is logged, never
    // thrown (the id stays in memory and in the outcome; the intent on disk keeps a rerun from resending it).
    private async Task RecordAcceptedAsync(IRunRequestJournal journal, int attempt, string? commandId)
    {
        try
        {
            await journal.AcceptedAsync(attempt, commandId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            RunCommandLog.JournalWriteFailed(_logger, commandId ?? "(no id)", e.GetType().Name);
        }
    }

    // The request exactly as it will be sent (the JSON writer of the client's adapter, which leaves base64
    // unescaped), measured once: its content is what goes on the wire.
    private RequestInformation Serialize(WithResourceNameItemRequestBuilder clusterBuilder, RunCommandRequest body)
    {
        var request = clusterBuilder.RunCommand.ToPostRequestInformation(body, c => c.QueryParameters.ApiVersion = _options.ApiVersion);
        var length = request.Content?.Length ?? 0;
        if (length > _options.MaxRequestBytes)
        {
            request.Content?.Dispose();
            throw SizeLimitError.Request(length, _options.MaxRequestBytes, body.Context?.Length ?? 0);
        }

        return request;
    }

    // A 202's id is the Location's last segment; none usable: null (accepted, id unknown).
    private StartOutcome? AcceptedOn202(ArmResponse response) =>
        CommandLocation.ReadCommandId(response.Header("Location")) is { } id
            ? new StartOutcome(id, RetryAfter.Read(response, _options.TimeProvider, _logger), null)
            : null;

    // The spec lists a 200 "for autorest only"; if it ever comes, its body is the result (null: no usable id).
    private static StartOutcome? FinishedOnStart(ArmResponse response)
    {
        var fromLocation = CommandLocation.ReadCommandId(response.Header("Location"));
        try
        {
            var finished = response.ReadResult(fromLocation, static (body, fromLocation) =>
            {
                var id = fromLocation ?? (CommandIds.IsValid(body?.Id) ? body!.Id : null);
                return body?.Properties is null || id is null ? ((string, CommandResult)?)null : (id, CommandResultMapping.ToResult(id, body)!);
            });
            return finished is { } done ? new StartOutcome(done.Item1, null, done.Item2) : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            return null; // a 200 whose body cannot be read as the result: reported like one without an id
        }
    }

    private async Task<string> GetClusterTokenAsync(ClusterId cluster, CancellationToken cancellationToken)
    {
        if (_tokens is null)
        {
            throw new InvalidOperationException("A cluster token needs a TokenCredential: build the client with one (or pass clusterTokenCredential), or use ClusterTokenMode.Never.");
        }

        try
        {
            return await _tokens.GetTokenAsync(AksServerApplicationScope, claims: null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException canceled) when (cancellationToken.IsCancellationRequested)
        {
            throw new RunCommandStartCanceledException(cluster, commandMayHaveStarted: false, canceled, cancellationToken); // no request was on the network
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
