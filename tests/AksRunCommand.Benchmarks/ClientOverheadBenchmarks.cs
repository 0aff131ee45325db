using BenchmarkDotNet.Attributes;

namespace AksRunCommand.Benchmarks;

/// <summary>One complete run (POST 202, GET 202 Running, GET 200 with ~2 kB of logs) against Kestrel on loopback.</summary>
[MemoryDiagnoser]
public class ClientOverheadBenchmarks
{
    private LoopbackArmServer _server = null!;
    private HttpClient _http = null!;
    private IRunner _raw = null!;
    private IRunner _facade = null!;
    private IRunner _azureCore = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await LoopbackArmServer.StartAsync();
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        _raw = new RawRunner(_server.Endpoint, _http);
        _facade = new FacadeRunner(_server.Endpoint, _http);
        _azureCore = new AzureCoreRunner(_server.Endpoint, _http);
    }

    [Benchmark(Baseline = true)]
    public Task<string> Raw() => _raw.RunAsync("kubectl get pods -A");

    [Benchmark]
    public Task<string> Facade() => _facade.RunAsync("kubectl get pods -A");

    [Benchmark]
    public Task<string> AzureCore() => _azureCore.RunAsync("kubectl get pods -A");

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }
}
