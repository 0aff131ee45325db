using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// Kestrel on 127.0.0.1 answering with prepared bytes: POST -> 202 + Location, then per command
/// <see cref="RunningPolls"/> GETs -> 202 Running, then 200 with ~2 kB of logs that name the command id.
/// Counts connections and its own handler time, so its cost per run can be reported.
/// </summary>
public sealed class LoopbackArmServer : IAsyncDisposable
{
    public const string ClusterPath = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1";
    private static readonly byte[] RunningBody = """{"id":"x","properties":{"provisioningState":"Running"}}"""u8.ToArray();
    private static readonly string EscapedLogs = string.Concat(Enumerable.Repeat("pod/web-5d9c7b8f6d-abcde   1/1   Running   0   42m\\n", 40));
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _polls = new();
    private long _nextId;
    private long _handlerTicks;
    private long _requests;
    private long _http2Requests;
    private int _connections;

    private LoopbackArmServer(WebApplication app)
    {
        _app = app;
    }

    public int RunningPolls { get; set; } = 1;

    public Uri Endpoint { get; private set; } = null!;

    public int Connections => Volatile.Read(ref _connections);

    public long Requests => Interlocked.Read(ref _requests);

    public long Http2Requests => Interlocked.Read(ref _http2Requests);

    public TimeSpan HandlerTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _handlerTicks));

    /// <summary>The self-signed certificate of a TLS server (clients pin it), else null.</summary>
    public X509Certificate2? Certificate { get; private set; }

    public static async Task<LoopbackArmServer> StartAsync(bool tls = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        LoopbackArmServer? server = null;
        var certificate = tls ? SelfSigned() : null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref server!._connections);
                return next(connection);
            });
            if (certificate is not null)
            {
                listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        server = new LoopbackArmServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        server.Certificate = certificate;
        return server;
    }

    /// <summary>A client transport that trusts exactly this server's certificate (HTTP/2 over TLS, like ARM).</summary>
    public SocketsHttpHandler CreateTransport()
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, EnableMultipleHttp2Connections = true };
        if (Certificate is { } pinned)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == pinned.GetCertHashString();
        }

        return handler;
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

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _handlerTicks, 0);
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _connections, 0);
        _polls.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _requests);
        if (HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            Interlocked.Increment(ref _http2Requests);
        }

        var response = context.Response;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            var id = Interlocked.Increment(ref _nextId).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
            response.StatusCode = 202;
            response.Headers.Location = $"{Endpoint.GetLeftPart(UriPartial.Authority)}/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1/providers/Microsoft.ContainerService/managedclusters/aks1/commandResults/{id}?api-version=2024-02-01";
        }
        else
        {
            var path = context.Request.Path.Value!;
            var id = path[(path.LastIndexOf('/') + 1)..];
            var polls = _polls.AddOrUpdate(id, 1, (_, n) => n + 1);
            response.ContentType = "application/json";
            if (polls <= RunningPolls)
            {
                response.StatusCode = 202;
                await response.Body.WriteAsync(RunningBody);
            }
            else
            {
                _polls.TryRemove(id, out _);
                response.StatusCode = 200;
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(
                    "{\"id\":\"" + id + "\",\"properties\":{\"provisioningState\":\"Succeeded\",\"exitCode\":0,\"startedAt\":\"2026-11-28T12:00:00Z\",\"finishedAt\":\"2026-11-28T12:00:05Z\",\"logs\":\"" + id + "\\n" + EscapedLogs + "\"}}"));
            }
        }

        Interlocked.Add(ref _handlerTicks, Stopwatch.GetTimestamp() - start);
    }
}
