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

// The one POST. Resent only where the service certainly did not accept it: a 429, and MissingAADClusterToken
// once; never after a 5xx, a timeout or a broken connection, and no handler of the pipeline may resend it.
internal sealed class CommandStarter
{
    /// <summary>The AKS Microsoft Entra ID server application; the same id in every cloud.</summary>
    public const string AksServerApplicationScope = "6dae42f8-4368-4678-94ff-3960e28e3630/.default";

    private readonly IRequestAdapter _adapter;
    private readonly TokenCache? _tokens;
    private readonly AksRunCommandClientOptions _options;
    private readonly ResiliencePipeline<ArmResponse> _retry429;
    private readonly ILogger _logger;
    private readonly RequestBudgets _budgets;

    public CommandStarter(IRequestAdapter adapter, TokenCache? tokens, RequestBudgets budgets, AksRunCommandClientOptions options, ILogger logger)
    {
        _budgets = budgets;
        _adapter = adapter;
        _tokens = tokens;
        _options = options;
        _logger = logger;
        _retry429 = ArmRetryPipelines.ForStart(options.Retry, options.TimeProvider, options.Randomizer, logger);
    }

    /// <summary>The run request, in its span (<see cref="Telemetry.StartSpan"/>, a child of the caller's run span).</summary>
    public async Task<StartOutcome> StartAsync(WithResourceNameItemRequestBuilder clusterBuilder, ClusterId cluster, RunCommandContent content, CancellationToken cancellationToken)
    {
        using var span = Telemetry.Start(Telemetry.StartSpan, cluster);
        try
        {
            var started = await StartInSpanAsync(clusterBuilder, cluster, content, span, cancellationToken).ConfigureAwait(false);
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

    private async Task<StartOutcome> StartInSpanAsync(WithResourceNameItemRequestBuilder clusterBuilder, ClusterId cluster, RunCommandContent content, Activity? span, CancellationToken cancellationToken)
    {
        var body = new RunCommandRequest { Command = content.Command, Context = content.Context?.Base64 };
        if (content.ClusterToken == ClusterTokenMode.Always)
        {
            body.ClusterToken = await GetClusterTokenAsync(cancellationToken).ConfigureAwait(false);
        }

        var attempts = 0;
        var canceledInFlight = false;
        PreparedRequest? target = null; // the run request's URI, expanded once per start
        while (true)
        {
            ArmResponse response;
            try
            {
                response = await _retry429.ExecuteAsync(
                    async ct =>
                    {
                        attempts++;
                        await _budgets.SpendAsync(cluster.SubscriptionId, write: true, ct).ConfigureAwait(false); // the run request is a write
                        var handler = new ArmResponseHandler();
                        var request = Serialize(clusterBuilder, body); // throws before anything is sent when too large
                        (target ??= PreparedRequest.From(request)).Apply(request);
                        KiotaRequestOptions.AddTo(request, handler, new RunRequestGuard());
                        ClientRequestIds.AddTo(request, span);
                        try
                        {
                            await _adapter.SendNoContentAsync(request, cancellationToken: ct).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                        {
                            canceledInFlight = true;
                            throw;
                        }
                        catch (RunRequestResendRefusedException refused) when (refused.Answers.Count > 0 && refused.Answers.All(s => s == 429))
                        {
                            Telemetry.Throttled(Telemetry.RunRequest);
                            return new ArmResponse(429, null, []); // a handler retried a throttle; the service did not accept it, so the client may wait and resend
                        }
                        finally
                        {
                            request.Content?.Dispose(); // the serialization writer's pooled stream
                        }

                        var answer = handler.Response;
                        _budgets.Learn(cluster.SubscriptionId, write: true, answer, answer.Status == 429 ? RetryAfter.Read(answer, _options.TimeProvider, _logger) : null);
                        Telemetry.Answered(span, answer, Telemetry.RunRequest, attempts);
                        return answer;
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException canceled) when (cancellationToken.IsCancellationRequested)
            {
                throw new RunCommandStartCanceledException(cluster, commandMayHaveStarted: canceledInFlight, canceled, cancellationToken);
            }
            catch (RunRequestResendRefusedException refused)
            {
                throw ArmErrors.ResendRefused(cluster, refused);
            }
            catch (Exception fault) when (fault is HttpRequestException or IOException or TimeoutException or OperationCanceledException)
            {
                throw ArmErrors.NoAnswerToStart(cluster, fault);
            }

            if (response.Status == 200)
            {
                span?.SetTag(Telemetry.ClusterToken, body.ClusterToken is not null);
                return FinishedOnStart(response, cluster) with { Retries = attempts - 1, ClusterTokenSent = body.ClusterToken is not null };
            }

            if (response.IsSuccess)
            {
                var id = CommandLocation.ReadCommandId(response.Header("Location")) ?? throw ArmErrors.AcceptedWithoutLocation(response, cluster);
                RunCommandLog.CommandStarted(_logger, id, cluster.ClusterName, response.Status, attempts);
                span?.SetTag(Telemetry.ClusterToken, body.ClusterToken is not null);
                return new StartOutcome(id, RetryAfter.Read(response, _options.TimeProvider, _logger), null) { Retries = attempts - 1, ClusterTokenSent = body.ClusterToken is not null };
            }

            var error = ArmErrors.FromResponse(response, "the runCommand request", cluster, null);
            var canResendWithToken = content.ClusterToken == ClusterTokenMode.Auto && body.ClusterToken is null && _tokens is not null;
            if (canResendWithToken && string.Equals(error.ErrorCode, ArmErrors.MissingAadClusterToken, StringComparison.OrdinalIgnoreCase))
            {
                RunCommandLog.ResendingWithClusterToken(_logger);
                body.ClusterToken = await GetClusterTokenAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw error;
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

    // The spec lists a 200 "for autorest only"; if it ever comes, its body is the result.
    private static StartOutcome FinishedOnStart(ArmResponse response, ClusterId cluster)
    {
        var fromLocation = CommandLocation.ReadCommandId(response.Header("Location"));
        (string Id, CommandResult Result)? finished = null;
        try
        {
            finished = response.ReadResult(fromLocation, static (body, fromLocation) =>
            {
                var id = fromLocation ?? (CommandIds.IsValid(body?.Id) ? body!.Id : null);
                return body?.Properties is null || id is null ? ((string, CommandResult)?)null : (id, CommandResultMapping.ToResult(id, body)!);
            });
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            // a 200 whose body cannot be read as the result: reported below like one without an id
        }

        return finished is { } done
            ? new StartOutcome(done.Id, null, done.Result)
            : throw ArmErrors.AcceptedWithoutLocation(response, cluster);
    }

    private async Task<string> GetClusterTokenAsync(CancellationToken cancellationToken)
    {
        if (_tokens is null)
        {
            throw new InvalidOperationException("A cluster token needs a TokenCredential: build the client with one (or pass clusterTokenCredential), or use ClusterTokenMode.Never.");
        }

        return await _tokens.GetTokenAsync(AksServerApplicationScope, claims: null, cancellationToken).ConfigureAwait(false);
    }
}
