using System.Text.Json;
using AksRunCommand.Diagnostics;
using AksRunCommand.Errors;
using AksRunCommand.Generated.Models;
using AksRunCommand.Generated.Subscriptions.Item.ResourceGroups.Item.Providers.MicrosoftContainerService.ManagedClusters.Item;
using AksRunCommand.Generated.Subscriptions.Item.ResourceGroups.Item.Providers.MicrosoftContainerService.ManagedClusters.Item.RunCommand;
using AksRunCommand.Http;
using AksRunCommand.Polling;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Serialization.Json;
using Polly;

namespace AksRunCommand.Operations;

// The one POST. Resent only where the service certainly did not accept it: a 429, and MissingAADClusterToken once.
internal sealed class CommandStarter
{
    /// <summary>The AKS Microsoft Entra ID server application; the same id in every cloud.</summary>
    public const string AksServerApplicationScope = "6dae42f8-4368-4678-94ff-3960e28e3630/.default";

    private readonly TokenCredential? _credential;
    private readonly AksRunCommandClientOptions _options;
    private readonly ResiliencePipeline<ArmResponse> _retry429;
    private readonly ILogger _logger;

    public CommandStarter(TokenCredential? credential, AksRunCommandClientOptions options, ILogger logger)
    {
        _credential = credential;
        _options = options;
        _logger = logger;
        _retry429 = ArmRetryPipelines.ForStart(options.Retry, options.TimeProvider, logger);
    }

    public async Task<StartOutcome> StartAsync(WithResourceNameItemRequestBuilder clusterBuilder, ClusterId cluster, RunCommandContent content, CancellationToken cancellationToken)
    {
        var body = new RunCommandRequest { Command = content.Command, Context = content.Context?.Base64 };
        if (content.ClusterToken == ClusterTokenMode.Always)
        {
            body.ClusterToken = await GetClusterTokenAsync(cancellationToken).ConfigureAwait(false);
        }

        CheckSize(body);
        var attempts = 0;
        while (true)
        {
            ArmResponse response;
            try
            {
                response = await _retry429.ExecuteAsync(
                    async ct =>
                    {
                        attempts++;
                        var handler = new ArmResponseHandler();
                        await clusterBuilder.RunCommand.PostAsync(body, c => Configure(c, handler), ct).ConfigureAwait(false);
                        return handler.Response;
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException canceled) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("Cancelled while the runCommand request was in flight: the command may or may not have started.", canceled, cancellationToken);
            }
            catch (Exception fault) when (fault is HttpRequestException or IOException or TimeoutException or OperationCanceledException)
            {
                throw ArmErrors.NoAnswerToStart(cluster, fault);
            }

            if (response.Status is 201 or 202)
            {
                var id = CommandLocation.ReadCommandId(response.Header("Location")) ?? throw ArmErrors.AcceptedWithoutLocation(response, cluster);
                RunCommandLog.CommandStarted(_logger, id, cluster.ClusterName, response.Status, attempts);
                return new StartOutcome(id, RetryAfter.Read(response, _options.TimeProvider), null);
            }

            if (response.Status == 200)
            {
                return await FinishedOnStartAsync(response, cluster, cancellationToken).ConfigureAwait(false);
            }

            var error = ArmErrors.FromResponse(response, "the runCommand request", cluster, null);
            var canResendWithToken = content.ClusterToken == ClusterTokenMode.Auto && body.ClusterToken is null && _credential is not null;
            if (canResendWithToken && string.Equals(error.ErrorCode, ArmErrors.MissingAadClusterToken, StringComparison.OrdinalIgnoreCase))
            {
                RunCommandLog.ResendingWithClusterToken(_logger);
                body.ClusterToken = await GetClusterTokenAsync(cancellationToken).ConfigureAwait(false);
                CheckSize(body);
                continue;
            }

            throw error;
        }
    }

    // The spec lists a 200 "for autorest only"; if it ever comes, its body is the result.
    private static async Task<StartOutcome> FinishedOnStartAsync(ArmResponse response, ClusterId cluster, CancellationToken cancellationToken)
    {
        RunCommandResult? body = null;
        try
        {
            body = await response.ParseAsync(RunCommandResult.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
        }

        var id = CommandLocation.ReadCommandId(response.Header("Location")) ?? body?.Id;
        if (body?.Properties is null || string.IsNullOrEmpty(id))
        {
            throw ArmErrors.AcceptedWithoutLocation(response, cluster);
        }

        return new StartOutcome(id, null, CommandResultMapping.ToResult(id, body));
    }

    private void Configure(RequestConfiguration<RunCommandRequestBuilder.RunCommandRequestBuilderPostQueryParameters> config, ArmResponseHandler handler)
    {
        config.QueryParameters.ApiVersion = _options.ApiVersion;
        KiotaRequestOptions.AddTo(config.Options, handler);
    }

    private async Task<string> GetClusterTokenAsync(CancellationToken cancellationToken)
    {
        if (_credential is null)
        {
            throw new InvalidOperationException("A cluster token needs a TokenCredential: build the client with one (or pass clusterTokenCredential), or use ClusterTokenMode.Never.");
        }

        var token = await _credential.GetTokenAsync(new TokenRequestContext([AksServerApplicationScope]), cancellationToken).ConfigureAwait(false);
        return token.Token;
    }

    private void CheckSize(RunCommandRequest body)
    {
        // Base64 is never escaped in JSON and any other character takes at most 6 bytes (\uXXXX): serialize only when that bound is over the limit.
        var bound = (body.Context?.Length ?? 0) + (6L * ((body.Command?.Length ?? 0) + (body.ClusterToken?.Length ?? 0))) + 64;
        if (bound <= _options.MaxRequestBytes)
        {
            return;
        }

        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, body);
        using var content = writer.GetSerializedContent();
        if (content.Length > _options.MaxRequestBytes)
        {
            throw SizeLimitError.Request(content.Length, _options.MaxRequestBytes, body.Context?.Length ?? 0);
        }
    }
}
