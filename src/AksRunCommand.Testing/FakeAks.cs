using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace AksRunCommand.Testing;

/// <summary>
/// A fake ARM run-command endpoint on WireMock.Net, on 127.0.0.1 with a free port. Point the real
/// <see cref="AksRunCommandClient"/> at <see cref="Endpoint"/> (or use <see cref="CreateClient"/>), script what
/// commands do with <see cref="When"/>, and assert on <see cref="Runs"/> and <see cref="Polls"/>.
/// Its answers look like real ARM traffic: lowercase <c>resourcegroups</c>/<c>managedclusters</c> in
/// Location, 32-hex command ids, a <c>Running</c> body on a poll's 202, request id headers.
/// </summary>
public sealed partial class FakeAks : IDisposable
{
    private readonly WireMockServer _server;
    private readonly FakeAksOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CommandScript> _exact = new(StringComparer.Ordinal);
    private readonly List<(Regex Pattern, CommandScript Script)> _patterns = [];
    private readonly Dictionary<string, FakeCommand> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RecordedRun> _runs = [];
    private readonly List<RecordedPoll> _polls = [];

    private FakeAks(FakeAksOptions options)
    {
        _options = options;
        _server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{options.Port}"] });
        _server.Given(Request.Create().WithPath(new RegexMatcher(ClusterPathPattern + "/runCommand$", ignoreCase: true)).UsingPost())
            .RespondWith(Response.Create().WithCallback(request => Delayed(OnRun(request, out var delay), delay)));
        _server.Given(Request.Create().WithPath(new RegexMatcher(ClusterPathPattern + "/commandResults/[^/]+$", ignoreCase: true)).UsingGet())
            .RespondWith(Response.Create().WithCallback(request => Delayed(OnPoll(request, out var delay), delay)));
        Endpoint = new Uri(_server.Url!);
    }

    private const string ClusterPathPattern = "^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.ContainerService/managedClusters/[^/]+";

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

    /// <summary>Starts a fake on loopback.</summary>
    public static FakeAks Start(FakeAksOptions? options = null) => new(options ?? new FakeAksOptions());

    /// <summary>Scripts the command whose line is exactly <paramref name="command"/>.</summary>
    public CommandScript When(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_gate)
        {
            return _exact[command] = new CommandScript();
        }
    }

    /// <summary>Scripts the commands that match a regular expression (checked after exact commands, in the order added).</summary>
    public CommandScript WhenMatches(string pattern)
    {
        var script = new CommandScript();
        lock (_gate)
        {
            _patterns.Add((new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), script));
        }

        return script;
    }

    /// <summary>A client pointed at this fake, with a fake credential (its tokens are <c>fake-arm-token</c> and <c>fake-cluster-token</c>).</summary>
    public AksRunCommandClient CreateClient(Action<AksRunCommandClientOptions>? configure = null)
    {
        var options = new AksRunCommandClientOptions { Endpoint = Endpoint };
        configure?.Invoke(options);
        return new AksRunCommandClient(new FakeTokenCredential(), options);
    }

    /// <summary>Stops the server.</summary>
    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    private IResponseMessage OnRun(IRequestMessage request, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var (cluster, apiVersion, rejected) = ReadTarget(request);
        var command = string.Empty;
        string? context = null;
        var clusterTokenPresent = false;
        IReadOnlyList<ContextFile> files = [];
        try
        {
            using var body = JsonDocument.Parse(request.Body ?? string.Empty);
            command = body.RootElement.GetProperty("command").GetString() ?? string.Empty;
            context = body.RootElement.TryGetProperty("context", out var c) ? c.GetString() : null;
            clusterTokenPresent = body.RootElement.TryGetProperty("clusterToken", out var t) && !string.IsNullOrEmpty(t.GetString());
            if (!string.IsNullOrEmpty(context))
            {
                files = CommandContextReader.ReadFiles(context).Select(f => new ContextFile(f.Key, f.Value)).ToList();
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            rejected ??= Error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'command' is required.");
        }
        catch (ArgumentException e)
        {
            rejected ??= Error(400, "InvalidContext", e.Message);
        }

        if (rejected is not null)
        {
            return Record(rejected, null);
        }

        var script = ScriptFor(command, files);
        var fault = script.TakeStartFault();
        if (fault is not null && !fault.Accepts)
        {
            delay = fault.Delay ?? TimeSpan.Zero;
            return Record(Fault(fault, null), null);
        }

        if (_options.RequireClusterToken && !clusterTokenPresent)
        {
            return Record(Error(400, "MissingAADClusterToken", "Cluster is AAD enabled, please provide a valid cluster token in the request."), null);
        }

        var id = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _commands[id] = new FakeCommand(id, cluster, script, _options.TimeProvider.GetUtcNow());
        }

        var accepted = Message(202, null);
        if (fault?.OmitLocation != true)
        {
            accepted.AddHeader("Location", Location(fault?.LocationHost ?? Endpoint, cluster, id, apiVersion));
        }

        return Record(accepted, id);

        IResponseMessage Record(IResponseMessage response, string? commandId)
        {
            lock (_gate)
            {
                _runs.Add(new RecordedRun(cluster, command, files, clusterTokenPresent, apiVersion, HasAuthorization(request), RedactedHeaders(request), StatusOf(response), commandId));
            }

            return response;
        }
    }

    private IResponseMessage OnPoll(IRequestMessage request, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var (cluster, apiVersion, rejected) = ReadTarget(request);
        if (rejected is not null)
        {
            return rejected;
        }

        var id = Uri.UnescapeDataString(request.Path.Split('/')[^1]);
        FakeCommand? command;
        lock (_gate)
        {
            _commands.TryGetValue(id, out command);
        }

        ResponseMessage response;
        string? state = null;
        if (command is null || command.Cluster != cluster)
        {
            response = Error(404, "NotFound", $"Command '{id}' was not found; it is unknown or has expired.");
        }
        else if (command.Script.TakePollFault() is { } fault)
        {
            delay = fault.Delay ?? TimeSpan.Zero;
            response = Fault(fault, null);
        }
        else
        {
            lock (_gate)
            {
                command.Polls++;
            }

            var now = _options.TimeProvider.GetUtcNow();
            if (command.IsRunning(now))
            {
                state = command.State(ProvisioningStates.Running);
                response = Json(202, new JsonObject { ["id"] = id, ["properties"] = new JsonObject { ["provisioningState"] = state } });
                response.AddHeader("Location", Location(Endpoint, cluster, id, apiVersion));
            }
            else
            {
                response = Finished(command, now, out state);
            }
        }

        lock (_gate)
        {
            _polls.Add(new RecordedPoll(cluster, id, apiVersion, HasAuthorization(request), StatusOf(response), state));
        }

        return response;
    }

    // A slow answer waits in real time: it exists to outlast the client's HTTP timeout, which runs on real time too.
    private static async Task<IResponseMessage> Delayed(IResponseMessage response, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay).ConfigureAwait(false);
        }

        return response;
    }

    private static ResponseMessage Finished(FakeCommand command, DateTimeOffset now, out string state)
    {
        var script = command.Script;
        var finishedAt = script.RunningTime is { } t ? command.StartedAt + t : now;
        if (script.FailureReason is { } reason)
        {
            state = command.State(ProvisioningStates.Failed);
            return Json(200, new JsonObject { ["id"] = command.Id, ["properties"] = new JsonObject { ["provisioningState"] = state, ["reason"] = reason } });
        }

        state = command.State(ProvisioningStates.Succeeded);
        var response = Json(200, new JsonObject
        {
            ["id"] = command.Id,
            ["properties"] = new JsonObject
            {
                ["provisioningState"] = state,
                ["exitCode"] = script.ExitCode,
                ["startedAt"] = command.StartedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["finishedAt"] = finishedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["logs"] = script.Logs,
            },
        });
        return response; // WireMock sends every body chunked, as ARM does
    }

    private (ClusterId Cluster, string? ApiVersion, IResponseMessage? Rejected) ReadTarget(IRequestMessage request)
    {
        var apiVersion = request.Query is { } query && query.TryGetValue("api-version", out var v) ? v.FirstOrDefault() : null;
        var match = TargetRegex().Match(request.Path);
        ClusterId cluster;
        try
        {
            cluster = new ClusterId(match.Groups["sub"].Value, Uri.UnescapeDataString(match.Groups["rg"].Value), Uri.UnescapeDataString(match.Groups["name"].Value));
        }
        catch (ArgumentException e)
        {
            return (default, apiVersion, Error(400, "InvalidParameter", e.Message));
        }

        if (_options.ExpectedBearerToken is { } expected && !HasBearer(request, expected))
        {
            return (cluster, apiVersion, Error(401, "InvalidAuthenticationToken", "The access token is invalid."));
        }

        if (string.IsNullOrEmpty(apiVersion))
        {
            return (cluster, apiVersion, Error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."));
        }

        if (!_options.ClusterExists(cluster))
        {
            return (cluster, apiVersion, Error(404, "ResourceNotFound", $"The Resource 'Microsoft.ContainerService/managedClusters/{cluster.ClusterName}' under resource group '{cluster.ResourceGroupName}' was not found."));
        }

        return (cluster, apiVersion, null);
    }

    private CommandScript ScriptFor(string command, IReadOnlyList<ContextFile> files)
    {
        lock (_gate)
        {
            if (_exact.TryGetValue(command, out var exact))
            {
                return exact;
            }

            foreach (var (pattern, script) in _patterns)
            {
                if (pattern.IsMatch(command))
                {
                    return script;
                }
            }
        }

        return DefaultBehaviour.For(command, files);
    }

    private ResponseMessage Fault(FakeFault fault, string? commandId)
    {
        if (fault.MalformedJson)
        {
            var broken = Message(200, "{\"id\":\"" + commandId + "\",\"properties\":{\"provisioningState\":");
            broken.AddHeader("Content-Type", "application/json");
            return broken;
        }

        if (fault.Transport != FaultType.NONE)
        {
            var faulty = Message(fault.Status == 0 ? 200 : fault.Status, new string('x', 8192));
            faulty.FaultType = fault.Transport;
            return faulty;
        }

        var response = Error(fault.Status, fault.ErrorCode!, fault.ErrorMessage!);
        if (fault.RetryAfter is { } wait)
        {
            var (name, value) = fault.RetryAfterForm switch
            {
                RetryAfterForm.HttpDate => ("Retry-After", (_options.TimeProvider.GetUtcNow() + wait).ToString("r", CultureInfo.InvariantCulture)),
                RetryAfterForm.RetryAfterMs => ("retry-after-ms", ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                RetryAfterForm.XMsRetryAfterMs => ("x-ms-retry-after-ms", ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                _ => ("Retry-After", ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)),
            };
            response.AddHeader(name, value);
        }

        return response;
    }

    private static string Location(Uri host, ClusterId cluster, string id, string? apiVersion) =>
        $"{host.GetLeftPart(UriPartial.Authority)}/subscriptions/{cluster.SubscriptionId:D}/resourcegroups/{cluster.ResourceGroupName}/providers/Microsoft.ContainerService/managedclusters/{cluster.ClusterName}/commandResults/{id}?api-version={apiVersion}";

    private static ResponseMessage Error(int status, string code, string message) =>
        Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    // JsonNode, not reflection: the kit works where reflection-based serialization is off (trimmed apps, file-based apps).
    private static ResponseMessage Json(int status, JsonObject body)
    {
        var response = Message(status, body.ToJsonString());
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        return response;
    }

    private static ResponseMessage Message(int status, string? body)
    {
        var response = new ResponseMessage { StatusCode = status };
        if (body is not null)
        {
            response.BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 };
        }

        response.AddHeader("x-ms-request-id", Guid.NewGuid().ToString("D"));
        response.AddHeader("x-ms-correlation-request-id", Guid.NewGuid().ToString("D"));
        return response;
    }

    private static int StatusOf(IResponseMessage response) => Convert.ToInt32(response.StatusCode, CultureInfo.InvariantCulture);

    private static bool HasAuthorization(IRequestMessage request) =>
        request.Headers is { } headers && headers.TryGetValue("Authorization", out var values) && values.Any(v => !string.IsNullOrEmpty(v));

    private static bool HasBearer(IRequestMessage request, string token) =>
        request.Headers is { } headers && headers.TryGetValue("Authorization", out var values) && values.Any(v => string.Equals(v, "Bearer " + token, StringComparison.Ordinal));

    private static Dictionary<string, string> RedactedHeaders(IRequestMessage request) =>
        (request.Headers ?? new Dictionary<string, WireMockList<string>>()).ToDictionary(
            h => h.Key,
            h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase) ? "[redacted]" : string.Join(",", h.Value),
            StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.ContainerService/managedClusters/(?<name>[^/]+)/", RegexOptions.IgnoreCase)]
    private static partial Regex TargetRegex();
}
