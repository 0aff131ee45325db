using System.Diagnostics;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// A quick look between full runs: each implementation's time and allocations per run, in rounds interleaved so
/// drift hits all alike, the server in another process. Allocations count every thread of this process.
/// </summary>
public static class Probe
{
    public static async Task<string> RunAsync(int runs, string? only = null)
    {
        using var server = ArmServerProcess.Start(runningPolls: 1);
        using var http = new HttpClient(server.CreateTransport());
        var (di, services) = FacadeRunner.WithDependencyInjection(server.Endpoint, server.CreateTransport, new JwtCredential());
        using var _ = services;
        var runners = new (string Name, IRunner Runner)[]
        {
            ("raw", new RawRunner(server.Endpoint, http, new JwtCredential())),
            ("facade", FacadeRunner.Plain(server.Endpoint, server.CreateTransport(), new JwtCredential())),
            ("facade-di", di),
            ("azurecore", new AzureCoreRunner(server.Endpoint, server.CreateTransport(), new JwtCredential())),
        };
        if (only is not null)
        {
            runners = [.. runners.Where(r => r.Name == only)];
        }

        await ClientOverheadBenchmarks.WarmUpAsync([.. runners.Select(r => r.Runner)]);
        var times = runners.ToDictionary(r => r.Name, _ => new List<double>());
        var bytes = runners.ToDictionary(r => r.Name, _ => new List<double>());
        var cpu = runners.ToDictionary(r => r.Name, _ => new List<double>());
        using var self = Process.GetCurrentProcess();
        for (var round = 0; round < 5; round++)
        {
            foreach (var (name, runner) in runners)
            {
                self.Refresh();
                var cpuBefore = self.TotalProcessorTime;
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < runs; i++)
                {
                    await runner.RunAsync("kubectl get pods -A");
                }

                watch.Stop();
                self.Refresh();
                cpu[name].Add((self.TotalProcessorTime - cpuBefore).TotalMicroseconds / runs);
                times[name].Add(watch.Elapsed.TotalMicroseconds / runs);
                bytes[name].Add((GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / runs);
            }
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        return string.Join(Environment.NewLine, runners.Select(r => FormattableString.Invariant(
            $"{r.Name,-10} {Median(times[r.Name]),8:0.0} us {Median(cpu[r.Name]),8:0.0} us cpu {Median(bytes[r.Name]),8:0.00} KB")));
    }
}
