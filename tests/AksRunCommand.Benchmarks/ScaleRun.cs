using System.Diagnostics;

namespace AksRunCommand.Benchmarks;

/// <summary>1,000 operations started and awaited at once, each Running for 3 polls, on the real clock (1 s polls).</summary>
public static class ScaleRun
{
    public static async Task<string> RunAsync(string implementation, int operations)
    {
        // Over TLS with HTTP/2 offered, as ARM is; both implementations ask for HTTP/2.
        await using var server = await LoopbackArmServer.StartAsync(tls: true);
        server.RunningPolls = 3;
        var transport = server.CreateTransport();
        using var http = new HttpClient(transport);
        IRunner runner = implementation == "facade"
            ? new ScaleFacade(server.Endpoint, transport)
            : new PacedRawRunner(new RawRunner(server.Endpoint, http) { Http2 = true });
        var watch = Stopwatch.StartNew();
        var logs = await Task.WhenAll(Enumerable.Range(0, operations).Select(i => runner.RunAsync($"job-{i}")));
        watch.Stop();
        var ids = logs.Select(l => l.Split('\n')[0]).ToHashSet(StringComparer.Ordinal);
        var correct = ids.Count(id => id.Length == 32);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return FormattableString.Invariant($"wall-ms={watch.Elapsed.TotalMilliseconds:0} peak-ws-bytes={self.PeakWorkingSet64} connections={server.Connections} correct={correct} requests={server.Requests} http2-requests={server.Http2Requests}");
    }

    // The facade's own HttpClient over the given transport: what a user who passes no HttpClient gets.
    private sealed class ScaleFacade(Uri endpoint, HttpMessageHandler transport) : IRunner
    {
        private static readonly ClusterId Cluster = new("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
        private readonly AksRunCommandClient _client = new(new StaticToken(), new AksRunCommandClientOptions { Endpoint = endpoint, Transport = transport });

        public async Task<string> RunAsync(string command)
        {
            var operation = await _client.RunCommandAsync(Azure.WaitUntil.Completed, Cluster, new RunCommandContent(command));
            return operation.Value.Logs;
        }
    }

    // The raw floor with the same schedule as the facade's first 30 s: one poll a second.
    private sealed class PacedRawRunner(RawRunner raw) : IRunner
    {
        public Task<string> RunAsync(string command) => raw.RunAsync(command, TimeSpan.FromSeconds(1));
    }
}
