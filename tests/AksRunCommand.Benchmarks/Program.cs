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

if (args is ["scale", var implementation])
{
    Console.WriteLine(await ScaleRun.RunAsync(implementation, 1000));
    return 0;
}

var quick = args.Contains("--quick");
var report = new Report();
ContextInputs.Ensure();
Console.Error.WriteLine($"aksrun-bench: {(quick ? "quick (in-process toolchain, few iterations)" : "full")} run on {Environment.ProcessorCount} cores, {RuntimeInformationText()}");

var config = ManualConfig.CreateEmpty()
    .AddJob(quick
        ? Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(6).WithLaunchCount(1)
        : Job.Default)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray())
    .AddLogger(quick ? NullLogger.Instance : ConsoleLogger.Default)
    .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);

// 1. Client overhead.
var run = BenchmarkRunner.Run<ClientOverheadBenchmarks>(config);
double Mean(Summary s, string method, string? input = null) => Find(s, method, input).ResultStatistics!.Mean;
long Bytes(Summary s, string method, string? input = null) { var r = Find(s, method, input); return r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0; }
var raw = Mean(run, "Raw");
var facade = Mean(run, "Facade");
var azureCore = Mean(run, "AzureCore");
report.Line("run time facade", facade / 1000, "us", raw / 1000, "raw");
report.Line("run time AzureCore", azureCore / 1000, "us", raw / 1000, "raw");
report.Line("run time facade", facade / 1000, "us", azureCore / 1000, "AzureCore");
report.Line("run allocations facade", Bytes(run, "Facade") / 1024.0, "KB", Bytes(run, "Raw") / 1024.0, "raw");
report.Line("run allocations AzureCore", Bytes(run, "AzureCore") / 1024.0, "KB", Bytes(run, "Raw") / 1024.0, "raw");
report.Line("run time server share", await ServerCostPerRunAsync() / 1000, "us", raw / 1000, "raw");

// 2. Context build.
var context = BenchmarkRunner.Run<ContextBuildBenchmarks>(config);
foreach (var input in new[] { "folder", "binary" })
{
    var baseline = Mean(context, "ZipArchiveBaseline", input);
    report.Line($"context time builder {input}", Mean(context, "Builder", input) / 1e6, "ms", baseline / 1e6, "ZipArchive");
    report.Line($"context allocations builder {input}", Bytes(context, "Builder", input) / 1048576.0, "MB", Bytes(context, "ZipArchiveBaseline", input) / 1048576.0, "ZipArchive");
    var builderPeak = Child("peak", "builder", input);
    var zipPeak = Child("peak", "ziparchive", input);
    report.Line($"context peak growth builder {input}", builderPeak["peak-growth-bytes"] / 1048576.0, "MB", zipPeak["peak-growth-bytes"] / 1048576.0, "ZipArchive");
    report.Line($"context base64 size builder {input}", builderPeak["base64-chars"] / 1048576.0, "M chars", zipPeak["base64-chars"] / 1048576.0, "ZipArchive");
    report.Line($"context time zip|base64 {input}", ZipCliMilliseconds(ContextInputs.PathOf(input), quick ? 3 : 10), "ms", baseline / 1e6, "ZipArchive");
}

// 3. Polling lag, virtual time.
var spread = Enumerable.Range(0, 81).Select(i => 0.37 * (i + 1)).ToList(); // 0.37 .. 29.97 s, off the 1 s grid
var lags = new Dictionary<string, (double Lag, int Gets)>();
foreach (var (name, strategy) in PollingLag.Schedules)
{
    lags[name] = await PollingLag.MeasureAsync(strategy, spread, name);
}

report.Line("mean lag 0-30 s default", lags["default"].Lag, "s", lags["az-5s"].Lag, "az-5s");
report.Line("mean lag 0-30 s default", lags["default"].Lag, "s", lags["arm-seq"].Lag, "arm-seq");
report.Line("GETs per command 0-30 s default", lags["default"].Gets / (double)spread.Count, "GETs", lags["az-5s"].Gets / (double)spread.Count, "az-5s");
report.Line("GETs per command 0-30 s default", lags["default"].Gets / (double)spread.Count, "GETs", lags["arm-seq"].Gets / (double)spread.Count, "arm-seq");

foreach (var finish in new[] { 3.0, 10.0, 30.0, 120.0 })
{
    var point = new Dictionary<string, (double Lag, int Gets)>();
    foreach (var (name, strategy) in PollingLag.Schedules)
    {
        point[name] = await PollingLag.MeasureAsync(strategy, [finish], $"{name}-{finish}");
    }

    report.Line($"lag at {finish:0} s default", point["default"].Lag, "s", point["az-5s"].Lag, "az-5s");
    report.Line($"lag at {finish:0} s default", point["default"].Lag, "s", point["arm-seq"].Lag, "arm-seq");
    report.Line($"GETs at {finish:0} s default", point["default"].Gets, "GETs", point["az-5s"].Gets, "az-5s");
    report.Line($"GETs at {finish:0} s default", point["default"].Gets, "GETs", point["arm-seq"].Gets, "arm-seq");
    report.Line($"GETs per second at {finish:0} s default", point["default"].Gets / finish, "GET/s", point["az-5s"].Gets / finish, "az-5s");
}

// 4. Scale: 1,000 concurrent operations, each in a process of its own.
var facadeScale = Child("scale", "facade");
var rawScale = Child("scale", "raw");
report.Line("scale 1000 wall facade", facadeScale["wall-ms"] / 1000, "s", rawScale["wall-ms"] / 1000, "raw");
report.Line("scale 1000 peak working set facade", facadeScale["peak-ws-bytes"] / 1048576.0, "MB", rawScale["peak-ws-bytes"] / 1048576.0, "raw");
report.Line("scale 1000 connections facade", facadeScale["connections"], "connections", rawScale["connections"], "raw");
report.Line("scale 1000 correct results facade", facadeScale["correct"], "results", rawScale["correct"], "raw");
report.Line("scale 1000 HTTP/2 requests facade", facadeScale["http2-requests"], "requests", rawScale["http2-requests"], "raw");

report.Print();
return 0;

static BenchmarkReport Find(Summary summary, string method, string? input) =>
    summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
        && (input is null || (string)r.BenchmarkCase.Parameters["Input"] == input));

// The loopback server's own handler time per run, measured over raw runs.
static async Task<double> ServerCostPerRunAsync()
{
    await using var server = await LoopbackArmServer.StartAsync();
    using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
    var raw = new RawRunner(server.Endpoint, http);
    for (var i = 0; i < 200; i++)
    {
        await raw.RunAsync("warm-up");
    }

    server.ResetCounters();
    const int runs = 2000;
    for (var i = 0; i < runs; i++)
    {
        await raw.RunAsync("measure");
    }

    return server.HandlerTime.TotalNanoseconds / runs;
}

static Dictionary<string, double> Child(params string[] arguments)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
    {
        start.ArgumentList.Add(typeof(ContextInputs).Assembly.Location);
    }

    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

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
