using System.Diagnostics;

namespace AksRunCommand.Benchmarks;

/// <summary>1,000 operations started and awaited at once, each Running for 3 polls, on the real clock (1 s polls).</summary>
public static class ScaleRun
{
    public static async Task<string> RunAsync(string implementation, int operations)
    {
        await using var server = await LoopbackArmServer.StartAsync();
        server.RunningPolls = 3;
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        IRunner runner = implementation == "facade"
            ? new ScaleFacade(server.Endpoint, http)
            : new PacedRawRunner(new RawRunner(server.Endpoint, http));
        var watch = Stopwatch.StartNew();
        var logs = await Task.WhenAll(Enumerable.Range(0, operations).Select(i => runner.RunAsync($"job-{i}")));
        watch.Stop();
        var ids = logs.Select(l => l.Split('\n')[0]).ToHashSet(StringComparer.Ordinal);
        var correct = ids.Count(id => id.Length == 32);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return FormattableString.Invariant($"wall-ms={watch.Elapsed.TotalMilliseconds:0} peak-ws-bytes={self.PeakWorkingSet64} connections={server.Connections} correct={correct} requests={server.Requests}");
    }

    private sealed class ScaleFacade(Uri endpoint, HttpClient http) : IRunner
    {
        private static readonly ClusterId Cluster = new("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
        private readonly AksRunCommandClient _client = new(new StaticToken(), new AksRunCommandClientOptions { Endpoint = endpoint, HttpClient = http });

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
