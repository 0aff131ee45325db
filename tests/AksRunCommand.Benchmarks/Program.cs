using System.Diagnostics;
using System.Globalization;
using AksRunCommand.Benchmarks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Child-process modes, so peak memory is measured in a process of its own.
if (args is ["peak", var variant, var peakInput])
{
    ContextInputs.Ensure();
    var folder = ContextInputs.PathOf(peakInput);
    _ = variant == "builder" ? ContextBuildBenchmarks.Build(folder) : ContextBuildBenchmarks.PlainZip(folder); // JIT and warm caches
    GC.Collect();
    using var self = Process.GetCurrentProcess();
    self.Refresh();
    var before = self.PeakWorkingSet64;
    var base64 = variant == "builder" ? ContextBuildBenchmarks.Build(folder) : ContextBuildBenchmarks.PlainZip(folder);
    self.Refresh();
    Console.WriteLine(FormattableString.Invariant($"peak-ws-bytes={self.PeakWorkingSet64} peak-growth-bytes={Math.Max(0, self.PeakWorkingSet64 - before)} base64-chars={base64.Length}"));
    return 0;
}

if (args is ["serve", var polls])
{
    return await ServeMode.RunAsync(int.Parse(polls, CultureInfo.InvariantCulture));
}

if (args is ["scale", var implementation])
{
    Console.WriteLine(await ScaleRun.RunAsync(implementation, 1000));
    return 0;
}

if (args is ["cpu", var cpuImplementation, var cpuProtocol])
{
    Console.WriteLine(await CpuPerPoll.RunAsync(cpuImplementation, 1000, cpuProtocol));
    return 0;
}

if (args is ["fleet-virtual", var which])
{
    var fleetOnly = FleetBenchmark.Fleet(1000, seed: 1000);
    Console.WriteLine(which == "naive" ? await FleetBenchmark.NaiveAsync(fleetOnly) : which == "bound" ? FleetBenchmark.Bound(fleetOnly, AksRunCommand.Testing.FakeArmThrottling.TokenBucketScheme) : await FleetBenchmark.FleetApiAsync(fleetOnly));
    return 0;
}

if (args is ["fleet-rp", var rpRow, ..])
{
    var fleetRp = rpRow == "uniform" ? FleetBenchmark.Fleet(1000, seed: 1000) : FleetBenchmark.ClusteredFleet(1000, seed: 1000);
    var runs = rpRow == "two-runs" ? 2 : 1;
    Console.WriteLine(args.Contains("bound") ? FleetBenchmark.ProviderBound(fleetRp, runs) : await FleetBenchmark.ProviderLimitAsync(fleetRp, runs));
    return 0;
}

if (args is ["probe", var probeRuns, ..])
{
    Console.WriteLine(await Probe.RunAsync(int.Parse(probeRuns, CultureInfo.InvariantCulture), args.Length > 2 ? args[2] : "HTTP/2", args.Length > 3 ? args[3] : null));
    return 0;
}

if (args is ["fleet-real"])
{
    Console.WriteLine(await FleetRealClock.RunAsync(1000));
    return 0;
}

var quick = args.Contains("--quick");
var report = new Report();
ContextInputs.Ensure();
Program.RememberSelf(); // BenchmarkDotNet's own child processes start the loopback server through this program
Console.Error.WriteLine($"aksrun-bench: {(quick ? "quick (in-process toolchain, few iterations)" : "full")} run on {Environment.ProcessorCount} cores, {RuntimeInformationText()}");

var config = ManualConfig.CreateEmpty()
    .AddJob(quick
        ? Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(6).WithLaunchCount(1)
        : Job.Default.WithMaxIterationCount(40)) // loopback TLS on 2 cores is noisy: unbounded, each case runs to 100 iterations (about 6 minutes)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray())
    .AddLogger(quick ? NullLogger.Instance : ConsoleLogger.Default)
    .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);

// 1. Client overhead: one run (POST, GET Running, GET 200), the server in another process, so allocations are the client's.
var run = BenchmarkRunner.Run<ClientOverheadBenchmarks>(config);
double Mean(Summary s, string method, (string Name, string Value) parameter) => Find(s, method, parameter).ResultStatistics!.Mean;
long Bytes(Summary s, string method, (string Name, string Value) parameter) { var r = Find(s, method, parameter); return r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0; }
// The headline lines are HTTP/2 (what the facade asks ARM for); the same figures over HTTP/1.1 (what Azure.Core's
// transport sends) follow. Every client is pinned to the protocol of its line.
foreach (var protocol in new[] { "HTTP/2", "HTTP/1.1" })
{
    var suffix = protocol == "HTTP/2" ? string.Empty : " over HTTP/1.1";
    var p = ("Protocol", protocol);
    var raw = Mean(run, "Raw", p);
    var facade = Mean(run, "Facade", p);
    var facadeDi = Mean(run, "FacadeDependencyInjection", p);
    var azureCore = Mean(run, "AzureCore", p);
    report.Line($"run time facade{suffix}", facade / 1000, "us", azureCore / 1000, "AzureCore");
    report.Line($"run time facade{suffix}", facade / 1000, "us", raw / 1000, "raw");
    report.Line($"run time AzureCore{suffix}", azureCore / 1000, "us", raw / 1000, "raw");
    report.Line($"run time facade DI{suffix}", facadeDi / 1000, "us", facade / 1000, "facade");
    report.Line($"run allocations facade{suffix}", Bytes(run, "Facade", p) / 1024.0, "KB", Bytes(run, "AzureCore", p) / 1024.0, "AzureCore");
    report.Line($"run allocations facade{suffix}", Bytes(run, "Facade", p) / 1024.0, "KB", Bytes(run, "Raw", p) / 1024.0, "raw");
    report.Line($"run allocations AzureCore{suffix}", Bytes(run, "AzureCore", p) / 1024.0, "KB", Bytes(run, "Raw", p) / 1024.0, "raw");
    report.Line($"run allocations facade DI{suffix}", Bytes(run, "FacadeDependencyInjection", p) / 1024.0, "KB", Bytes(run, "Facade", p) / 1024.0, "facade");
}

// 2. CPU per 1,000 polls with 1,000 operations in flight, each implementation in a process of its own.
foreach (var protocol in new[] { "HTTP/2", "HTTP/1.1" })
{
    var suffix = protocol == "HTTP/2" ? string.Empty : " over HTTP/1.1";
    var facadeCpu = Child("cpu", "facade", protocol);
    var azureCoreCpu = Child("cpu", "azurecore", protocol);
    report.Line($"cpu per 1000 polls at 1000 operations facade{suffix}", facadeCpu["cpu-ms"] / (facadeCpu["polls"] / 1000), "ms", azureCoreCpu["cpu-ms"] / (azureCoreCpu["polls"] / 1000), "AzureCore");
    report.Line($"cpu correct results facade{suffix}", facadeCpu["correct"], "results", azureCoreCpu["correct"], "AzureCore");
}

// 3. Context build.
var context = BenchmarkRunner.Run<ContextBuildBenchmarks>(config);
foreach (var input in new[] { "folder", "binary" })
{
    var i = ("Input", input);
    var baseline = Mean(context, "ZipArchiveBaseline", i);
    report.Line($"context time builder {input}", Mean(context, "Builder", i) / 1e6, "ms", baseline / 1e6, "ZipArchive");
    report.Line($"context allocations builder {input}", Bytes(context, "Builder", i) / 1048576.0, "MB", Bytes(context, "ZipArchiveBaseline", i) / 1048576.0, "ZipArchive");
    var builderPeak = Child("peak", "builder", input);
    var zipPeak = Child("peak", "ziparchive", input);
    report.Line($"context peak growth builder {input}", builderPeak["peak-growth-bytes"] / 1048576.0, "MB", zipPeak["peak-growth-bytes"] / 1048576.0, "ZipArchive");
    report.Line($"context base64 size builder {input}", builderPeak["base64-chars"] / 1048576.0, "M chars", zipPeak["base64-chars"] / 1048576.0, "ZipArchive");
    report.Line($"context time zip|base64 {input}", ZipCliMilliseconds(ContextInputs.PathOf(input), quick ? 3 : 10), "ms", baseline / 1e6, "ZipArchive");
}

// 4. Polling lag, virtual time, finish times seeded off the 1 s grid.
foreach (var (range, finishes) in new[]
{
    ("0-30 s", PollingLag.FinishTimes(200, 0.2, 30, seed: 30)),
    ("30-120 s", PollingLag.FinishTimes(50, 30, 120, seed: 120)),
})
{
    var lag = new Dictionary<string, PollingLag.Figures>();
    foreach (var (name, strategy) in PollingLag.Schedules)
    {
        lag[name] = await PollingLag.MeasureAsync(strategy, finishes, $"{name}-{range}");
    }

    foreach (var baseline in new[] { "az-5s", "arm-seq" })
    {
        report.Line($"mean lag {range} default", lag["default"].MeanLag, "s", lag[baseline].MeanLag, baseline);
        report.Line($"p95 lag {range} default", lag["default"].P95Lag, "s", lag[baseline].P95Lag, baseline);
        report.Line($"GETs per command {range} default", lag["default"].GetsPerCommand, "GETs", lag[baseline].GetsPerCommand, baseline);
    }
}

// 5. Scale: 1,000 concurrent operations, each implementation in a process of its own, the server in a third.
var facadeScale = Child("scale", "facade");
var rawScale = Child("scale", "raw");
report.Line("scale 1000 wall facade", facadeScale["wall-ms"] / 1000, "s", rawScale["wall-ms"] / 1000, "raw");
report.Line("scale 1000 peak working set facade", facadeScale["peak-ws-bytes"] / 1048576.0, "MB", rawScale["peak-ws-bytes"] / 1048576.0, "raw");
report.Line("scale 1000 connections facade", facadeScale["connections"], "connections", rawScale["connections"], "raw");
report.Line("scale 1000 correct results facade", facadeScale["correct"], "results", rawScale["correct"], "raw");
report.Line("scale 1000 HTTP/2 requests facade", facadeScale["http2-requests"], "requests", rawScale["http2-requests"], "raw");

// 6. Fleets: 1,000 clusters in 4 subscriptions against ARM's token buckets, virtual time.
var fleet = FleetBenchmark.Fleet(1000, seed: 1000);
var api = await FleetBenchmark.FleetApiAsync(fleet);
var naive = await FleetBenchmark.NaiveAsync(fleet);
var bound = FleetBenchmark.Bound(fleet, AksRunCommand.Testing.FakeArmThrottling.TokenBucketScheme);
foreach (var (baseline, figures) in new[] { ("naive", naive), ("bound", bound) })
{
    report.Line("fleet 1000 total time fleet", api.TotalSeconds, "s", figures.TotalSeconds, baseline);
    report.Line("fleet 1000 429s fleet", api.Throttled, "429s", figures.Throttled, baseline);
    report.Line("fleet 1000 mean lag fleet", api.MeanLag, "s", figures.MeanLag, baseline);
    report.Line("fleet 1000 p95 lag fleet", api.P95Lag, "s", figures.P95Lag, baseline);
    report.Line("fleet 1000 requests per command fleet", api.RequestsPerCommand, "requests", figures.RequestsPerCommand, baseline);
    report.Line("fleet 1000 succeeded fleet", api.Succeeded, "clusters", figures.Succeeded, baseline);
}

// 7. Fleets at the resource provider's limit (60 burst, 1 a second per subscription for run requests and polls, no
// headers), the same 1,000 clusters; then durations that cluster as one command's do; then two runs at once.
foreach (var row in new[] { "uniform", "clustered", "two-runs" })
{
    var measured = Child("fleet-rp", row);
    var rowBound = Child("fleet-rp", row, "bound");
    var name = $"fleet rp {row}";
    report.Line($"{name} total time", measured["total-s"], "s", rowBound["total-s"], "bound");
    if (row == "two-runs")
    {
        report.Line($"{name} last run time", measured["last-run-s"], "s", 2 * Child("fleet-rp", "clustered", "bound")["total-s"], "twice one run's bound");
    }

    report.Line($"{name} 429s", measured["throttled-pct"], "% of requests", 3, "target 3 %");
    report.Line($"{name} mean lag", measured["mean-lag-s"], "s", measured["mean-lag-s"], "itself");
    report.Line($"{name} p95 lag", measured["p95-lag-s"], "s", measured["p95-lag-s"], "itself");
    report.Line($"{name} requests per command", measured["requests-per-command"], "requests", rowBound["requests-per-command"], "bound");
}

var fleetReal = Child("fleet-real");
report.Line("fleet 1000 real clock peak working set", fleetReal["peak-ws-bytes"] / 1048576.0, "MB", fleetReal["peak-ws-bytes"] / 1048576.0, "itself");
report.Line("fleet 1000 real clock CPU", fleetReal["cpu-ms"] / 1000, "s", fleetReal["wall-ms"] / 1000, "wall");
report.Line("fleet 1000 real clock succeeded", fleetReal["succeeded"], "clusters", 1000, "fleet");

report.Print();
return 0;

static BenchmarkReport Find(Summary summary, string method, (string Name, string Value) parameter) =>
    summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
        && (string)r.BenchmarkCase.Parameters[parameter.Name] == parameter.Value);

static Dictionary<string, double> Child(params string[] arguments)
{
    var start = Program.Self(arguments);
    start.RedirectStandardOutput = true;
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return output.Trim().Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
}

static double ZipCliMilliseconds(string folder, int runs)
{
    var times = new List<double>();
    for (var i = 0; i < runs + 1; i++)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", "zip -qr - . | base64 -w0 > /dev/null"]) { WorkingDirectory = folder };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.WaitForExit();
        watch.Stop();
        if (i > 0)
        {
            times.Add(watch.Elapsed.TotalMilliseconds); // the first run warms the page cache
        }
    }

    times.Sort();
    return times[times.Count / 2];
}

static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

/// <summary>How to start this program again in another mode, from the main process or from BenchmarkDotNet's children.</summary>
public partial class Program
{
    private const string SelfVariable = "AKSRUN_BENCH_SELF";

    public static void RememberSelf() =>
        Environment.SetEnvironmentVariable(SelfVariable, Environment.ProcessPath + "|" + typeof(ContextInputs).Assembly.Location);

    public static ProcessStartInfo Self(params string[] arguments)
    {
        var remembered = Environment.GetEnvironmentVariable(SelfVariable)?.Split('|');
        var host = remembered?[0] ?? Environment.ProcessPath!;
        var assembly = remembered?[1] ?? typeof(ContextInputs).Assembly.Location;
        var start = new ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(assembly);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
