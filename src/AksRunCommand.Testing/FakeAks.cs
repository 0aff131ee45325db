using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AksRunCommand.Testing;

/// <summary>
/// A fake ARM run-command endpoint on WireMock.Net, on 127.0.0.1 with a free port. Point the real
/// <see cref="AksRunCommandClient"/> at <see cref="Endpoint"/> (or use <see cref="CreateClient"/>), script what
/// commands do with <see cref="When"/>, and assert on <see cref="Runs"/>, <see cref="Polls"/> and <see cref="ClusterReads"/>.
/// It also answers ARM's managedClusters get and lists (in pages) from the clusters made with <see cref="Cluster"/>.
/// Its answers look like real ARM traffic: lowercase <c>resourcegroups</c>/<c>managedclusters</c> in
/// Location, 32-hex command ids, a <c>Running</c> body on a poll's 202, request id headers.
/// </summary>
public sealed partial class FakeAks : IDisposable
{
    private readonly WireMockServer _server;
    private readonly FakeAksOptions _options;
    private readonly Lock _gate = new();
    private readonly CommandScripts _scripts = new();
    private readonly Dictionary<string, FakeCommand> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RecordedRun> _runs = [];
    private readonly List<RecordedPoll> _polls = [];
    private readonly Dictionary<ClusterId, FakeCluster> _clusters = [];
    private readonly FakeArmBuckets? _buckets;
    private FakeProviderBuckets? _providerBuckets;
    private readonly List<string> _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _peakRunning;

    private FakeAks(FakeAksOptions options)
    {
        _options = options;
        _buckets = options.Throttling is { } throttling ? new FakeArmBuckets(throttling, options.TimeProvider) : null;
        _server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{options.Port}"] });
        _server.Given(Request.Create().WithPath(FakeAksRoute.IsRunPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(request => Delayed(OnRun(request, out var delay), delay)));
        _server.Given(Request.Create().WithPath(FakeAksRoute.IsPollPath).UsingGet())
            .RespondWith(Response.Create().WithCallback(request => Delayed(OnPoll(request, out var delay), delay)));
        _server.Given(Request.Create().WithPath(FakeClusterReadRoute.IsReadPath).UsingGet())
            .RespondWith(Response.Create().WithCallback(request => Delayed(OnClusterRead(request, out var delay), delay)));
        Endpoint = new Uri(_server.Url!);
    }

    /// <summary>The endpoint to give <see cref="AksRunCommandClientOptions.Endpoint"/>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Every run request received, in order.</summary>
    public IReadOnlyList<RecordedRun> Runs
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs];
            }
        }
    }

    /// <summary>Every poll received, in order.</summary>
    public IReadOnlyList<RecordedPoll> Polls
    {
        get
        {
            lock (_gate)
            {
                return [.. _polls];
            }
        }
    }

    /// <summary>
    /// The ids of the commands running as far as a client can know: accepted (or added with <see cref="AddCommand"/>)
    /// and not yet reported finished by a poll, in the order they were accepted. What a fleet keeps in flight, counted
    /// where the service counts it.
    /// </summary>
    public IReadOnlyList<string> RunningCommands
    {
        get
        {
            lock (_gate)
            {
                return [.. _running];
            }
        }
    }

    /// <summary>The most <see cref="RunningCommands"/> there were at any one moment since the fake started.</summary>
    public int PeakRunningCommands
    {
        get
        {
            lock (_gate)
            {
                return _peakRunning;
            }
        }
    }

    /// <summary>Starts a fake on loopback.</summary>
    public static FakeAks Start(FakeAksOptions? options = null) => new(options ?? new FakeAksOptions());

    /// <summary>Scripts the command whose line is exactly <paramref name="command"/>.</summary>
    public CommandScript When(string command) => _scripts.When(command);

    /// <summary>Scripts the commands that match a regular expression (checked after exact commands, in the order added).</summary>
    public CommandScript WhenMatches(string pattern) => _scripts.WhenMatches(pattern);

    /// <summary>
    /// A command the service already accepted (started earlier, perhaps by another process) under
    /// <paramref name="commandId"/>, for code that resumes with <see cref="AksRunCommandClient.GetRunCommandOperation"/>.
    /// Polls of it follow the returned script.
    /// </summary>
    public CommandScript AddCommand(ClusterId cluster, string commandId)
    {
        ArgumentException.ThrowIfNullOrEmpty(commandId);
        var script = new CommandScript();
        lock (_gate)
        {
            Register(new FakeCommand(commandId, cluster, script, _options.TimeProvider.GetUtcNow()));
        }

        return script;
    }

    /// <summary>
    /// How <paramref name="cluster"/> behaves: made on first use, the same object after that. The managedClusters lists
    /// hold the clusters made so (those that exist), in the order they were made.
    /// </summary>
    public FakeCluster Cluster(ClusterId cluster)
    {
        lock (_gate)
        {
            if (!_clusters.TryGetValue(cluster, out var behaviour))
            {
                _clusters[cluster] = behaviour = new FakeCluster(cluster);
                _clusterOrder.Add(cluster);
            }

            return behaviour;
        }
    }

    /// <summary>
    /// A client pointed at this fake, with a fake credential (its tokens are <c>fake-arm-token</c> and
    /// <c>fake-cluster-token</c>). When client and fake share a <see cref="ManualClock"/>, the client's transport
    /// holds the clock while a request is on the network (<see cref="ManualClock.HoldDuringRequests"/>).
    /// </summary>
    public AksRunCommandClient CreateClient(Action<AksRunCommandClientOptions>? configure = null)
    {
        var options = new AksRunCommandClientOptions { Endpoint = Endpoint };
        configure?.Invoke(options);
        if (options.HttpClient is null && options.Transport is null && options.TimeProvider is ManualClock clock && ReferenceEquals(clock, _options.TimeProvider))
        {
            options.Transport = clock.HoldDuringRequests(); // time moves only between answers, as it would for real
        }

        return new AksRunCommandClient(new FakeTokenCredential(), options);
    }

    // Under the gate: an accepted command is running until a poll reports its end.
    private void Register(FakeCommand command)
    {
        if (_commands.TryGetValue(command.Id, out var replaced) && !replaced.EndReported)
        {
            _running.Remove(replaced.Id);
        }

        _commands[command.Id] = command;
        _running.Add(command.Id);
        _peakRunning = Math.Max(_peakRunning, _running.Count);
    }

    // Under the gate.
    private void ReportEnd(FakeCommand command)
    {
        if (!command.EndReported)
        {
            command.EndReported = true;
            _running.Remove(command.Id);
        }
    }

    /// <summary>Stops the server; answers still held back by <see cref="FakeFault.After"/> are dropped.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        _server.Stop();
        _server.Dispose();
        _stopping.Dispose();
    }

    // A slow answer waits in real time: it exists to outlast the client's HTTP timeout, which runs on real time too.
    private async Task<IResponseMessage> Delayed(IResponseMessage response, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
        }

        return response;
    }

    private FakeAksTarget ReadTarget(IRequestMessage request, FakeAksRoute route)
    {
        var apiVersion = FakeAksRequests.ApiVersion(request);
        ClusterId cluster;
        try
        {
            cluster = route.Cluster();
        }
        catch (ArgumentException e)
        {
            return new FakeAksTarget(default, apiVersion, null, FakeAnswers.Error(400, "InvalidParameter", e.Message), null);
        }

        if (_options.ExpectedBearerToken is { } expected && !FakeAksRequests.HasBearer(request, expected))
        {
            return new FakeAksTarget(cluster, apiVersion, null, FakeAnswers.Error(401, "InvalidAuthenticationToken", "The access token is invalid."), null);
        }

        // ARM throttles before the request reaches the resource provider, per subscription and principal.
        (string Name, string Value)? remaining = null;
        if (_buckets is not null)
        {
            var write = route.IsRun;
            var header = write ? "x-ms-ratelimit-remaining-subscription-writes" : "x-ms-ratelimit-remaining-subscription-reads";
            var (allowed, left, retryAfter) = _buckets.Take(cluster.SubscriptionId, FakeAksRequests.Authorization(request), write);
            if (!allowed)
            {
                var throttled = FakeAnswers.Error(429, "TooManyRequests", $"The request for subscription '{cluster.SubscriptionId}' could not be processed due to an excessive volume of traffic. Please try again later.");
                throttled.AddHeader("Retry-After", retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (_options.Throttling!.RemainingHeaders)
                {
                    throttled.AddHeader(header, "0");
                }

                return new FakeAksTarget(cluster, apiVersion, null, throttled, null);
            }

            remaining = _options.Throttling!.RemainingHeaders ? (header, left.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        }

        // Then the resource provider's "all other APIs" bucket, per subscription: a 429 with Retry-After, no remaining header.
        if (ProviderBuckets()?.TakeOther(cluster.SubscriptionId) is { Allowed: false } limited)
        {
            var throttled = FakeAnswers.Error(429, "Throttled", $"Too many requests to Microsoft.ContainerService in subscription '{cluster.SubscriptionId}'; please retry after {limited.RetryAfterSeconds} second(s).");
            throttled.AddHeader("Retry-After", limited.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new FakeAksTarget(cluster, apiVersion, null, throttled, null);
        }

        if (string.IsNullOrEmpty(apiVersion))
        {
            return new FakeAksTarget(cluster, apiVersion, null, FakeAnswers.Error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."), remaining);
        }

        FakeCluster? behaviour;
        lock (_gate)
        {
            _clusters.TryGetValue(cluster, out behaviour);
        }

        if (!(behaviour?.Exists ?? _options.ClusterExists(cluster)))
        {
            return new FakeAksTarget(cluster, apiVersion, behaviour, FakeAnswers.Error(404, "ResourceNotFound", $"The Resource 'Microsoft.ContainerService/managedClusters/{cluster.ClusterName}' under resource group '{cluster.ResourceGroupName}' was not found."), remaining);
        }

        return new FakeAksTarget(cluster, apiVersion, behaviour, null, remaining);
    }
}
