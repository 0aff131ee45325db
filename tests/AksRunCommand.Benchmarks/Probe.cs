using System.Diagnostics;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// A quick look between full runs: each implementation's time and allocations per run, in rounds interleaved so
/// drift hits all alike, the server in another process. Allocations count every thread of this process.
/// </summary>
public static class Probe
{
    public static async Task<string> RunAsync(int runs, string protocol, string? only = null)
    {
        using var server = ArmServerProcess.Start(runningPolls: 1);
        using var http = new HttpClient(server.CreateTransport(protocol));
        var (di, services) = FacadeRunner.WithDependencyInjection(server.Endpoint, () => server.CreateTransport(protocol), new JwtCredential());
        using var _ = services;
        var runners = new (string Name, IRunner Runner)[]
        {
            ("raw", new RawRunner(server.Endpoint, http, new JwtCredential())),
            ("facade", FacadeRunner.Plain(server.Endpoint, server.CreateTransport(protocol), new JwtCredential())),
            ("facade-di", di),
            // the facade polling by UpdateStatusAsync in the caller's own loop: what the client's one poll loop costs
            ("direct", new FacadeRunner(FacadeRunner.Plain(server.Endpoint, server.CreateTransport(protocol), new JwtCredential()).Client) { Direct = true }),
            ("azurecore", new AzureCoreRunner(server.Endpoint, server.CreateTransport(protocol), new JwtCredential())),
        };
        if (only is not null)
        {
            runners = [.. runners.Where(r => r.Name == only)];
        }

        await ClientOverheadBenchmarks.WarmUpAsync([.. runners.Select(r => r.Runner)]);
        var times = runners.ToDictionary(r => r.Name, _ => new List<double>());
        var bytes = runners.ToDictionary(r => r.Name, _ => new List<double>());
        var cpu = runners.ToDictionary(r => r.Name, _ => new List<double>());
        var items = runners.ToDictionary(r => r.Name, _ => new List<double>());
        var http2 = runners.ToDictionary(r => r.Name, _ => 0.0);
        var gen2 = runners.ToDictionary(r => r.Name, _ => 0);
        using var self = Process.GetCurrentProcess();
        for (var round = 0; round < 5; round++)
        {
            foreach (var (name, runner) in runners)
            {
                self.Refresh();
                var cpuBefore = self.TotalProcessorTime;
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var workItems = ThreadPool.CompletedWorkItemCount;
                var gen2Before = GC.CollectionCount(2);
                var statsBefore = await server.StatsAsync();
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < runs; i++)
                {
                    await runner.RunAsync("kubectl get pods -A");
                }

                watch.Stop();
                self.Refresh();
                gen2[name] += GC.CollectionCount(2) - gen2Before;
                var statsAfter = await server.StatsAsync();
                http2[name] = (statsAfter["http2-requests"] - statsBefore["http2-requests"]) / (statsAfter["requests"] - statsBefore["requests"]);
                items[name].Add((ThreadPool.CompletedWorkItemCount - workItems) / (double)runs);
                cpu[name].Add((self.TotalProcessorTime - cpuBefore).TotalMicroseconds / runs);
                times[name].Add(watch.Elapsed.TotalMicroseconds / runs);
                bytes[name].Add((GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / runs);
            }
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        return string.Join(Environment.NewLine, runners.Select(r => FormattableString.Invariant(
            $"{r.Name,-10} {Median(times[r.Name]),8:0.0} us {Median(cpu[r.Name]),8:0.0} us cpu {Median(bytes[r.Name]),8:0.00} KB {Median(items[r.Name]),6:0.0} work items {http2[r.Name],5:P0} HTTP/2 {gen2[r.Name]} gen2 GCs")));
    }
}
