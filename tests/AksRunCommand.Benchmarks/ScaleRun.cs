using System.Diagnostics;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// 1,000 operations started and awaited at once, each Running for 3 polls, one poll a second on the real clock,
/// over TLS with HTTP/2 offered (as ARM is) against the loopback server in a process of its own. A result is
/// correct when its logs start with its own command (the server echoes each command into its logs).
/// </summary>
public static class ScaleRun
{
    public static async Task<string> RunAsync(string implementation, int operations)
    {
        using var server = ArmServerProcess.Start(runningPolls: 3);
        using var http = new HttpClient(server.CreateTransport());
        var credential = new JwtCredential();
        var second = TimeSpan.FromSeconds(1);
        IRunner runner = implementation switch
        {
            "facade" => FacadeRunner.Plain(server.Endpoint, server.CreateTransport(), credential, second), // budget off: loopback is not ARM
            "azurecore" => new AzureCoreRunner(server.Endpoint, server.CreateTransport(), credential, second),
            _ => new PacedRawRunner(new RawRunner(server.Endpoint, http, credential), second),
        };
        var watch = Stopwatch.StartNew();
        var logs = await Task.WhenAll(Enumerable.Range(0, operations).Select(i => runner.RunAsync($"job-{i}")));
        watch.Stop();
        var correct = logs.Where((l, i) => l.StartsWith($"job-{i}\n", StringComparison.Ordinal)).Count();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var stats = await server.StatsAsync();
        return FormattableString.Invariant($"wall-ms={watch.Elapsed.TotalMilliseconds:0} peak-ws-bytes={self.PeakWorkingSet64} connections={stats["connections"] - 1} correct={correct} requests={stats["requests"]} http2-requests={stats["http2-requests"]}");
    }

    private sealed class PacedRawRunner(RawRunner raw, TimeSpan delay) : IRunner
    {
        public Task<string> RunAsync(string command) => raw.RunAsync(command, delay);
    }
}
