using BenchmarkDotNet.Attributes;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// One complete run (POST 202, GET 202 Running, GET 200 with ~2 kB of logs) over TLS and HTTP/2 against a
/// loopback server in another process, so every allocation counted is the client's. Each implementation gets
/// a JWT-sized token from the same kind of credential through its own token path.
/// </summary>
[MemoryDiagnoser]
public class ClientOverheadBenchmarks
{
    private ArmServerProcess _server = null!;
    private HttpClient _http = null!;
    private IRunner _raw = null!;
    private IRunner _facade = null!;
    private IRunner _facadeDi = null!;
    private IRunner _azureCore = null!;
    private IDisposable _services = null!;

    /// <summary>The protocol every client is pinned to: HTTP/2 is what the facade asks ARM for, HTTP/1.1 what Azure.Core's transport sends.</summary>
    [Params("HTTP/2", "HTTP/1.1")]
    public string Protocol { get; set; } = "HTTP/2";

    [GlobalSetup]
    public async Task Setup()
    {
        _server = ArmServerProcess.Start(runningPolls: 1);
        _http = new HttpClient(_server.CreateTransport(Protocol));
        _raw = new RawRunner(_server.Endpoint, _http, new JwtCredential());
        _facade = FacadeRunner.Plain(_server.Endpoint, _server.CreateTransport(Protocol), new JwtCredential());
        (var di, var services) = FacadeRunner.WithDependencyInjection(_server.Endpoint, () => _server.CreateTransport(Protocol), new JwtCredential());
        _facadeDi = di;
        _services = services;
        _azureCore = new AzureCoreRunner(_server.Endpoint, _server.CreateTransport(Protocol), new JwtCredential());
        await WarmUpAsync(_raw, _facade, _facadeDi, _azureCore);
    }

    /// <summary>
    /// The server is a fresh process per benchmark: warm its JIT (tiered compilation promotes hot methods in the
    /// background, so warm-up is counted in time as well as in runs) and every client's connection the same way,
    /// so the first benchmark does not pay for the server's warm-up.
    /// </summary>
    public static async Task WarmUpAsync(params IRunner[] runners)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 300 || watch.Elapsed < TimeSpan.FromSeconds(5); i++)
        {
            foreach (var runner in runners)
            {
                await runner.RunAsync("warm-up");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public Task<string> Raw() => _raw.RunAsync("kubectl get pods -A");

    [Benchmark]
    public Task<string> Facade() => _facade.RunAsync("kubectl get pods -A");

    [Benchmark]
    public Task<string> FacadeDependencyInjection() => _facadeDi.RunAsync("kubectl get pods -A");

    [Benchmark]
    public Task<string> AzureCore() => _azureCore.RunAsync("kubectl get pods -A");

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _http.Dispose();
        _server.Dispose();
    }
}
