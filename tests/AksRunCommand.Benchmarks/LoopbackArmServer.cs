using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// Kestrel on 127.0.0.1 over TLS (HTTP/1.1 and HTTP/2, as ARM): POST -> 202 + Location, then per command
/// <see cref="RunningPolls"/> GETs -> 202 Running with its Location, then 200 whose logs start with the
/// command's own text and run to ~2 kB. Prepared bytes, so it costs as little as a server can. It runs in
/// a process of its own (<see cref="ArmServerProcess"/>), so the client's figures are the client's alone;
/// <c>GET /_stats</c> reports connections and requests.
/// </summary>
public sealed class LoopbackArmServer : IAsyncDisposable
{
    public const string ClusterPath = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1";
    private static readonly byte[] RunningBody = """{"id":"x","properties":{"provisioningState":"Running"}}"""u8.ToArray();
    private static readonly string EscapedLogs = string.Concat(Enumerable.Repeat("pod/web-5d9c7b8f6d-abcde   1/1   Running   0   42m\\n", 40));
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Command, int Polls)> _commands = new();
    private long _nextId;
    private long _requests;
    private long _http2Requests;
    private int _connections;

    private LoopbackArmServer(WebApplication app, X509Certificate2 certificate, int runningPolls)
    {
        _app = app;
        Certificate = certificate;
        RunningPolls = runningPolls;
    }

    public int RunningPolls { get; }

    public Uri Endpoint { get; private set; } = null!;

    public X509Certificate2 Certificate { get; }

    public static async Task<LoopbackArmServer> StartAsync(int runningPolls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        LoopbackArmServer? server = null;
        var certificate = SelfSigned();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref server!._connections);
                return next(connection);
            });
            listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        server = new LoopbackArmServer(app, certificate, runningPolls);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        if (context.Request.Path == "/_stats")
        {
            await response.WriteAsync(FormattableString.Invariant($"connections={Volatile.Read(ref _connections)} requests={Interlocked.Read(ref _requests)} http2-requests={Interlocked.Read(ref _http2Requests)}"));
            return;
        }

        Interlocked.Increment(ref _requests);
        if (HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            Interlocked.Increment(ref _http2Requests);
        }

        if (HttpMethods.IsPost(context.Request.Method))
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var id = Interlocked.Increment(ref _nextId).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
            _commands[id] = (body.RootElement.GetProperty("command").GetString() ?? string.Empty, 0);
            response.StatusCode = 202;
            response.Headers.Location = Results(id);
            return;
        }

        var path = context.Request.Path.Value!;
        var commandId = path[(path.LastIndexOf('/') + 1)..];
        var (command, polls) = _commands.AddOrUpdate(commandId, _ => (string.Empty, 1), (_, c) => (c.Command, c.Polls + 1));
        response.ContentType = "application/json";
        if (polls <= RunningPolls)
        {
            response.StatusCode = 202;
            response.Headers.Location = Results(commandId);
            await response.Body.WriteAsync(RunningBody);
            return;
        }

        _commands.TryRemove(commandId, out _);
        response.StatusCode = 200;
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(
            "{\"id\":\"" + commandId + "\",\"properties\":{\"provisioningState\":\"Succeeded\",\"exitCode\":0,\"startedAt\":\"2026-11-28T12:00:00Z\",\"finishedAt\":\"2026-11-28T12:00:05Z\",\"logs\":\""
            + JsonEncodedText.Encode(command + "\n").ToString() + EscapedLogs + "\",\"reason\":null}}"));
    }

    private string Results(string id) =>
        $"{Endpoint.GetLeftPart(UriPartial.Authority)}/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1/providers/Microsoft.ContainerService/managedclusters/aks1/commandResults/{id}?api-version={AksRunCommandClientOptions.DefaultApiVersion}";
}
