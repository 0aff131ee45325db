using System.Text.Json;
using AksRunCommand;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

using AksRunCommand.Testing;

namespace AksRunCommand.Tests.Infrastructure;

/// <summary>A WireMock ARM on a dynamic loopback port, scripted response by response, for the facade's unit tests.</summary>
public sealed class ArmStub : IDisposable
{
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000000";
    public const string ResourceGroup = "rg1";
    public const string ClusterName = "clustername1";
    public const string CommandId = "0e9872e6629349dc865e27ee6f8bab2d";
    public const string ClusterPath = "/subscriptions/" + SubscriptionId + "/resourceGroups/" + ResourceGroup + "/providers/Microsoft.ContainerService/managedClusters/" + ClusterName;

    public ArmStub()
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    }

    public WireMockServer Server { get; }

    public static ClusterId Cluster { get; } = new(SubscriptionId, ResourceGroup, ClusterName);

    public string Url => Server.Url!;

    public CapturingLoggerProvider Logs { get; } = new();

    public IReadOnlyList<RecordedRequest> Requests => Server.LogEntries
        .Select(e => e.RequestMessage!)
        .OrderBy(r => r.DateTime)
        .Select(r => new RecordedRequest(
            r.Method,
            r.Path,
            r.Query is { } q && q.TryGetValue("api-version", out var v) ? v.Single() : null,
            r.Headers is { } h && h.TryGetValue("Authorization", out var a) ? a.Single() : null,
            r.Body))
        .ToList();

    public int PostCount => Requests.Count(r => r.Method == "POST");

    public int GetCount => Requests.Count(r => r.Method == "GET");

    /// <summary>The Location a real 202 carries: lowercase <c>resourcegroups</c>, on <paramref name="host"/> (default this server).</summary>
    public string Location(string commandId = CommandId, string? host = null) =>
        $"{host ?? Url}/subscriptions/{SubscriptionId}/resourcegroups/{ResourceGroup}/providers/Microsoft.ContainerService/managedclusters/{ClusterName}/commandResults/{commandId}?api-version={AksRunCommandClientOptions.DefaultApiVersion}";

    public IResponseBuilder Accepted(string? location = null) =>
        Response.Create().WithStatusCode(202).WithHeader("Location", location ?? Location()).WithHeader("x-ms-request-id", "req-1");

    public static IResponseBuilder Running(string state = "Running") =>
        Json(202, new { id = CommandId, properties = new { provisioningState = state } });

    public static IResponseBuilder Finished(string state = "Succeeded", int? exitCode = 0, string logs = "namespace dummy created", string? reason = null) =>
        Json(200, new { id = CommandId, properties = new { provisioningState = state, exitCode, startedAt = "2021-02-17T00:28:20Z", finishedAt = "2021-02-17T00:28:33Z", logs, reason } });

    public static IResponseBuilder Error(int status, string code, string message) =>
        Json(status, new { error = new { code, message, target = "cluster" } })
            .WithHeader("x-ms-request-id", "req-err")
            .WithHeader("x-ms-correlation-request-id", "corr-err");

    public static IResponseBuilder Json(int status, object body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(body));

    public void OnPost(params IResponseBuilder[] responses) => Sequence(Request.Create().WithPath(ClusterPath + "/runCommand").UsingPost(), responses);

    public void OnGet(params IResponseBuilder[] responses) => OnGet(CommandId, responses);

    public void OnGet(string commandId, params IResponseBuilder[] responses) =>
        Sequence(Request.Create().WithPath(ClusterPath + "/commandResults/" + commandId).UsingGet(), responses);

    /// <summary>Answers the requests matching <paramref name="request"/> with each response in turn, the last one repeated.</summary>
    public void Sequence(IRequestBuilder request, IResponseBuilder[] responses)
    {
        var scenario = Guid.NewGuid().ToString("N");
        for (var i = 0; i < responses.Length; i++)
        {
            var mapping = Server.Given(request).InScenario(scenario);
            if (i > 0)
            {
                mapping = mapping.WhenStateIs($"step{i}");
            }

            if (i < responses.Length - 1)
            {
                mapping = mapping.WillSetStateTo($"step{i + 1}");
            }

            mapping.RespondWith(responses[i]);
        }
    }

    public AksRunCommandClient CreateClient(ManualClock clock, SentinelCredential? credential = null, Action<AksRunCommandClientOptions>? configure = null)
    {
        var options = new AksRunCommandClientOptions
        {
            Endpoint = new Uri(Url),
            TimeProvider = clock,
            LoggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace)),
        };
        configure?.Invoke(options);
        return new AksRunCommandClient(credential ?? new SentinelCredential(), options);
    }

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
    }
}

public sealed record RecordedRequest(string Method, string Path, string? ApiVersion, string? Authorization, string? Body)
{
    public JsonElement Json => JsonDocument.Parse(Body!).RootElement;
}
