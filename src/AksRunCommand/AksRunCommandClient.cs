using System.Diagnostics;
using System.Reflection;
using AksRunCommand.Diagnostics;
using AksRunCommand.Generated;
using AksRunCommand.Generated.Subscriptions.Item.ResourceGroups.Item.Providers.MicrosoftContainerService.ManagedClusters.Item;
using AksRunCommand.Http;
using AksRunCommand.Operations;
using AksRunCommand.Polling;
using Azure;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace AksRunCommand;

/// <summary>
/// Runs commands on AKS clusters through the ARM runCommand API and waits for them. Thread-safe; make one
/// and share it.
/// </summary>
public partial class AksRunCommandClient
{
    // One connection pool for every client that brings no HttpClient of its own.
    private static readonly Lazy<HttpMessageHandler> SharedTransport = new(() => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        EnableMultipleHttp2Connections = true,
    });

    internal static readonly string UserAgent = "AksRunCommand/" + (typeof(AksRunCommandClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private readonly BaseAksRunCommandClient _client = null!;
    private readonly IRequestAdapter _adapter = null!;
    private readonly AksRunCommandClientOptions _options = null!;
    private readonly CommandStarter _starter = null!;
    private readonly PollLoop _loop = null!;
    private readonly RequestBudgets _budgets = null!;
    private readonly ILogger _logger = NullLogger.Instance;

    /// <summary>For mocking.</summary>
    protected AksRunCommandClient()
    {
    }

    /// <summary>Creates a client that authenticates with an Azure credential (for example <c>DefaultAzureCredential</c>).</summary>
    /// <param name="credential">Gets ARM tokens (scope <c>{endpoint}/.default</c>) and, when needed, cluster tokens; tokens are cached per scope and shared by every operation of the client.</param>
    /// <param name="options">Endpoint, api-version, polling, retries, HTTP, logging, time; null for the defaults.</param>
    public AksRunCommandClient(TokenCredential credential, AksRunCommandClientOptions? options = null)
        : this(Compose(credential ?? throw new ArgumentNullException(nameof(credential)), options ?? new AksRunCommandClientOptions()))
    {
    }

    /// <summary>Creates a client over an existing Kiota request adapter (custom pipelines, tests).</summary>
    /// <param name="requestAdapter">The adapter; its <c>BaseUrl</c> is set to <see cref="AksRunCommandClientOptions.Endpoint"/>.</param>
    /// <param name="options">Options; null for the defaults. <see cref="AksRunCommandClientOptions.HttpClient"/> and <see cref="AksRunCommandClientOptions.Transport"/> are not used here.</param>
    /// <param name="clusterTokenCredential">Gets cluster tokens for <see cref="ClusterTokenMode"/> Auto and Always; null when the clusters need none.</param>
    public AksRunCommandClient(IRequestAdapter requestAdapter, AksRunCommandClientOptions? options = null, TokenCredential? clusterTokenCredential = null)
        : this(Compose(requestAdapter ?? throw new ArgumentNullException(nameof(requestAdapter)), options ?? new AksRunCommandClientOptions(), clusterTokenCredential))
    {
    }

    private AksRunCommandClient(ClientParts parts)
    {
        _options = parts.Options;
        _logger = parts.Logger;
        parts.Adapter.BaseUrl = _options.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _client = new BaseAksRunCommandClient(parts.Adapter);
        _adapter = parts.Adapter;
        _budgets = new RequestBudgets(_options.RequestBudget, _options.TimeProvider, _logger);
        _starter = new CommandStarter(parts.Adapter, parts.Tokens, _budgets, _options, _logger, parts.Guarded);
        _loop = new PollLoop(_options.TimeProvider, _budgets, _options.Retry, _options.Randomizer, _logger);
    }

    /// <summary>The ARM endpoint requests go to (and the only host that gets a token).</summary>
    public virtual Uri Endpoint => _options.Endpoint;

    /// <summary>The clock every wait of this client goes through.</summary>
    internal TimeProvider TimeProvider => _options.TimeProvider;

    /// <summary>Where the client logs.</summary>
    internal ILogger Logger => _logger;

    /// <summary>The api-version sent with every request.</summary>
    public virtual string ApiVersion => _options.ApiVersion;

    /// <summary>
    /// Starts a command on a cluster with one POST and, with <see cref="WaitUntil.Completed"/>, waits for it.
    /// </summary>
    /// <param name="waitUntil"><see cref="WaitUntil.Started"/> returns once the service accepted the command; <see cref="WaitUntil.Completed"/> once it finished.</param>
    /// <param name="cluster">The cluster.</param>
    /// <param name="content">The command, its context and the cluster-token behaviour.</param>
    /// <param name="cancellationToken">Cancels the start or the wait; a cancelled wait leaves the command running.</param>
    /// <exception cref="ArgumentException">Bad input (a default cluster id, a request over the size limit); nothing was sent.</exception>
    /// <exception cref="ArmRequestFailedException">ARM refused the command or gave no usable answer; see <see cref="ArmRequestFailedException.CommandMayHaveStarted"/>.</exception>
    /// <exception cref="RunCommandWaitCanceledException">With <see cref="WaitUntil.Completed"/>: the wait was cancelled; the command keeps running.</exception>
    public virtual async Task<RunCommandOperation> RunCommandAsync(WaitUntil waitUntil, ClusterId cluster, RunCommandContent content, CancellationToken cancellationToken = default)
    {
        EnsureValid(cluster);
        ArgumentNullException.ThrowIfNull(content);
        using var span = StartRunSpan(cluster, content);
        RunCommandOperation? operation = null;
        var startRetries = 0;
        try
        {
            (operation, var started) = await StartOperationAsync(cluster, content, RunRequestPolicy.Single, cancellationToken).ConfigureAwait(false);
            startRetries = started.Retries;
            span?.SetTag(Telemetry.CommandId, operation.Id);
            span?.SetTag(Telemetry.ClusterToken, started.ClusterTokenSent);
            if (started.Completed is { } finished)
            {
                Telemetry.Finished(span, finished);
            }
            else if (waitUntil == WaitUntil.Completed)
            {
                Telemetry.Finished(span, await operation.WaitAsync(options: null, span, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                span?.SetTag(Telemetry.Outcome, "started");
            }

            return operation;
        }
        catch (Exception e)
        {
            Telemetry.Fail(span, e);
            throw;
        }
        finally
        {
            span?.SetTag(Telemetry.PollCount, operation?.PollCount ?? 0);
            span?.SetTag(Telemetry.RetryCount, startRetries + (operation?.Retries ?? 0));
        }
    }

    // The run request; from its acceptance on, every outcome carries the command id.
    internal async Task<(RunCommandOperation Operation, StartOutcome Started)> StartOperationAsync(ClusterId cluster, RunCommandContent content, RunRequestPolicy policy, CancellationToken cancellationToken, CommandDurations? cohort = null)
    {
        var clusterBuilder = ClusterBuilder(cluster);
        var started = await _starter.StartAsync(clusterBuilder, cluster, content, policy, cancellationToken).ConfigureAwait(false);
        var firstPoll = PollDelays.Next(_options.Polling, 0, TimeSpan.Zero, started.RetryAfter, cluster, started.CommandId);
        if (started.Completed is { } finished)
        {
            Telemetry.Completed(finished, polls: 0, TimeSpan.Zero); // a 200 on the run request: finished without a poll
        }

        return (CreateOperation(clusterBuilder, cluster, started.CommandId, firstPoll, started.Completed, acceptedHere: true, cohort), started);
    }

    /// <summary>The span of one run (<see cref="Telemetry.RunSpan"/>), the command text only when the options allow it.</summary>
    internal Activity? StartRunSpan(ClusterId cluster, RunCommandContent content)
    {
        var span = Telemetry.Start(Telemetry.RunSpan, cluster);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(Telemetry.ApiVersion, _options.ApiVersion);
            if (_options.Diagnostics.IncludeCommandText)
            {
                span.SetTag(Telemetry.CommandText, content.Command);
            }
        }

        return span;
    }

    /// <summary>Rebuilds the operation of a command started earlier (in any process), to poll or wait for it again.</summary>
    /// <param name="cluster">The cluster the command runs on.</param>
    /// <param name="commandId">The command id (<see cref="RunCommandOperation.Id"/>).</param>
    /// <exception cref="ArgumentException">A default cluster id, or an empty command id or one with a '/', '?' or '#'.</exception>
    public virtual RunCommandOperation GetRunCommandOperation(ClusterId cluster, string commandId)
    {
        EnsureValid(cluster);
        CommandIds.Validate(commandId, nameof(commandId));
        return CreateOperation(ClusterBuilder(cluster), cluster, commandId, TimeSpan.Zero, completed: null);
    }

    /// <summary>Rebuilds an operation of a fleet run from its id, polled with what the run learns of its commands.</summary>
    internal RunCommandOperation ResumeOperation(ClusterId cluster, string commandId, CommandDurations? cohort) =>
        CreateOperation(ClusterBuilder(cluster), cluster, commandId, TimeSpan.Zero, completed: null, acceptedHere: false, cohort);

    private RunCommandOperation CreateOperation(WithResourceNameItemRequestBuilder clusterBuilder, ClusterId cluster, string commandId, TimeSpan firstPoll, CommandResult? completed, bool acceptedHere = false, CommandDurations? cohort = null)
    {
        var poller = new CommandPoller(_adapter, clusterBuilder, cluster, commandId, _options.ApiVersion, _budgets, _options.TimeProvider, _logger);
        return new RunCommandOperation(poller, _loop, cluster, commandId, firstPoll, _options, _logger, completed, acceptedHere, cohort, cohort is null ? null : () => _budgets.LimitedByService(cluster.SubscriptionId));
    }

    private WithResourceNameItemRequestBuilder ClusterBuilder(ClusterId cluster) =>
        _client.Subscriptions[cluster.SubscriptionId].ResourceGroups[cluster.ResourceGroupName].Providers.MicrosoftContainerService.ManagedClusters[cluster.ClusterName];

    private static void EnsureValid(ClusterId cluster)
    {
        if (cluster.IsDefault)
        {
            throw new ArgumentException("cluster is the default ClusterId: create it with new ClusterId(subscription, resourceGroup, name) or ClusterId.Parse(resourceId).", nameof(cluster));
        }
    }

    private static ClientParts Compose(TokenCredential credential, AksRunCommandClientOptions options)
    {
        var logger = CreateLogger(options);
        var tokens = new TokenCache(credential, options.TimeProvider, logger);
        var auth = new ArmBearerAuthentication(tokens, options.Endpoint);
        var httpClient = options.HttpClient;
        var guarded = httpClient is null || options.HttpClientGuardsRunRequests;
        if (httpClient is null)
        {
            // The run request's guard sits innermost, next to the transport: no handler outside it can resend the POST.
            var transport = new RunRequestGuardHandler(options.Transport ?? SharedTransport.Value);
            httpClient = new HttpClient(new Http2PreferredHandler(transport), disposeHandler: false);
            httpClient.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        }

        return new ClientParts(new HttpClientRequestAdapter(auth, serializationWriterFactory: ArmJson.WriterFactory, httpClient: httpClient), tokens, options, logger, guarded);
    }

    private static ClientParts Compose(IRequestAdapter adapter, AksRunCommandClientOptions options, TokenCredential? clusterTokenCredential)
    {
        var logger = CreateLogger(options);
        var tokens = clusterTokenCredential is null ? null : new TokenCache(clusterTokenCredential, options.TimeProvider, logger);
        return new ClientParts(adapter, tokens, options, logger, Guarded: false); // an adapter of the caller's: any request it was given may have left
    }

    private static ILogger CreateLogger(AksRunCommandClientOptions options) =>
        options.LoggerFactory?.CreateLogger<AksRunCommandClient>() ?? NullLogger<AksRunCommandClient>.Instance;

    private sealed record ClientParts(IRequestAdapter Adapter, TokenCache? Tokens, AksRunCommandClientOptions Options, ILogger Logger, bool Guarded);
}
