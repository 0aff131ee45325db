using System.Diagnostics;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// Client CPU per 1,000 polls with 1,000 operations in flight: each operation Running for 10 polls a second apart,
/// on the real clock, against the loopback server in another process (its CPU is not counted). CPU is this
/// process's user + system time from the first POST to the last result, after a warm-up of 50 runs. Both clients
/// are pinned to one protocol (<see cref="ProtocolPin"/>).
/// </summary>
public static class CpuPerPoll
{
    public const int RunningPolls = 10;

    public static async Task<string> RunAsync(string implementation, int operations, string protocol)
    {
        using var server = ArmServerProcess.Start(RunningPolls);
        var credential = new JwtCredential();
        var second = TimeSpan.FromSeconds(1);
        IRunner runner = implementation == "facade"
            ? FacadeRunner.Plain(server.Endpoint, server.CreateTransport(protocol), credential, second) // budget off: loopback is not ARM
            : new AzureCoreRunner(server.Endpoint, server.CreateTransport(protocol), credential, second);
        var warm = (IRunner)(implementation == "facade"
            ? FacadeRunner.Plain(server.Endpoint, server.CreateTransport(protocol), credential)
            : new AzureCoreRunner(server.Endpoint, server.CreateTransport(protocol), credential));
        for (var i = 0; i < 50; i++)
        {
            await warm.RunAsync("warm-up");
        }

        var before = await server.StatsAsync();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var logs = await Task.WhenAll(Enumerable.Range(0, operations).Select(i => runner.RunAsync($"job-{i}")));
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore;
        var after = await server.StatsAsync();
        var polls = after["requests"] - before["requests"] - operations;
        var correct = logs.Where((l, i) => l.StartsWith($"job-{i}\n", StringComparison.Ordinal)).Count();
        return FormattableString.Invariant($"cpu-ms={cpu.TotalMilliseconds:0} polls={polls} correct={correct}");
    }
}
