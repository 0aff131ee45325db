using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// The loopback ARM in a child process (<c>serve</c> mode), so the server's allocations and CPU never count
/// as the client's. Clients trust exactly its certificate.
/// </summary>
public sealed class ArmServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _thumbprint;

    private ArmServerProcess(Process process, Uri endpoint, string thumbprint)
    {
        _process = process;
        Endpoint = endpoint;
        _thumbprint = thumbprint;
    }

    public Uri Endpoint { get; }

    public static ArmServerProcess Start(int runningPolls)
    {
        var start = Program.Self("serve", runningPolls.ToString(CultureInfo.InvariantCulture));
        start.RedirectStandardOutput = true;
        start.RedirectStandardInput = true;
        var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the server process said nothing");
        var parts = line.Split(' ').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return new ArmServerProcess(process, new Uri(parts["endpoint"]), parts["thumbprint"]);
    }

    /// <summary>A transport as a user would have one, trusting exactly this server's certificate; with a protocol, pinned to it.</summary>
    public HttpMessageHandler CreateTransport(string? protocol) =>
        protocol is null ? CreateTransport() : new ProtocolPin(ProtocolPin.Parse(protocol), CreateTransport());

    /// <summary>A transport as a user would have one, trusting exactly this server's certificate.</summary>
    public SocketsHttpHandler CreateTransport() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        EnableMultipleHttp2Connections = true,
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && c.Thumbprint == _thumbprint },
    };

    public async Task<Dictionary<string, double>> StatsAsync()
    {
        using var http = new HttpClient(CreateTransport());
        var text = await http.GetStringAsync(new Uri(Endpoint, "/_stats"));
        return text.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        _process.StandardInput.Close(); // the server stops when its stdin closes
        if (!_process.WaitForExit(5000))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
