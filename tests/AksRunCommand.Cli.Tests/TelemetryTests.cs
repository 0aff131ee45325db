using System.Text;
using System.Text.Json.Nodes;
using AksRunCommand.Tests.Shared;
using WireMock.Server;
using WireMock.Settings;
using Xunit.Abstractions;
using Request = WireMock.RequestBuilders.Request;
using Response = WireMock.ResponseBuilders.Response;

namespace AksRunCommand.Cli.Tests;

// aks-run's own observability: --verbose prints the spans of the invocation, OTEL_EXPORTER_OTLP_ENDPOINT exports traces
// and metrics over OTLP (to a loopback collector here), --version says what a bug report needs.
public sealed class TelemetryTests : IDisposable
{
    private readonly CliDriver _cli = new();
    private readonly ITestOutputHelper _output;

    public TelemetryTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Verbose_PrintsEachSpanOfTheInvocationIndentedUnderItsParent_WithoutTokenOrCommand()
    {
        _cli.Fake.When("kubectl get pods --token=hunter2").RunningFor(1).ExitsWith(0, "pods");

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get pods --token=hunter2", "--verbose", .. _cli.Target]);

        _output.WriteLine(run.Stderr);
        Assert.Equal(0, run.ExitCode);
        var spans = run.StderrLines.Where(l => l.StartsWith("aks-run: span ", StringComparison.Ordinal)).Select(l => l["aks-run: span ".Length..]).ToList();
        Assert.Equal(2, spans.Count(s => s.StartsWith("    ManagedClusters.GetCommandResult ", StringComparison.Ordinal)));
        Assert.Single(spans, s => s.StartsWith("    ManagedClusters.RunCommand ", StringComparison.Ordinal) && s.Contains("http.response.status_code=202", StringComparison.Ordinal));
        // invoke starts the command (and prints its id) before it waits: the run span ends at the acceptance, the wait is its own.
        var id = _cli.Fake.Runs.Single().CommandId;
        var runSpan = Assert.Single(spans, s => s.StartsWith("  AksRunCommandClient.RunCommand ", StringComparison.Ordinal));
        Assert.Contains("aks.runcommand.outcome=started", runSpan, StringComparison.Ordinal);
        Assert.Contains($"aks.runcommand.command_id={id}", runSpan, StringComparison.Ordinal);
        var waitSpan = Assert.Single(spans, s => s.StartsWith("  RunCommandOperation.WaitForCompletion ", StringComparison.Ordinal));
        Assert.Contains("aks.runcommand.exit_code=0", waitSpan, StringComparison.Ordinal);
        Assert.Contains("aks.runcommand.poll_count=2", waitSpan, StringComparison.Ordinal);
        Assert.Contains($"aks.runcommand.command_id={id}", waitSpan, StringComparison.Ordinal);
        Assert.StartsWith("aks-run invoke ", spans[^1], StringComparison.Ordinal); // the root ends last
        Assert.Contains("process.exit.code=0", spans[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(CliDriver.Token, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutVerbose_PrintsNoSpan()
    {
        var run = await _cli.RunAsync(["invoke", "-c", "exit 0", .. _cli.Target]);

        Assert.DoesNotContain(run.StderrLines, l => l.StartsWith("aks-run: span ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OtlpEndpoint_ExportsTheTraceAndTheMetricsOverOtlpHttp()
    {
        using var collector = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        collector.Given(Request.Create().UsingPost().WithPath("/v1/traces", "/v1/metrics")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/x-protobuf"));
        _cli.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url!;
        _cli.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        _cli.Environment["OTEL_SERVICE_NAME"] = "nightly-drain";

        var run = await _cli.RunAsync(["invoke", "-c", "exit 0", .. _cli.Target]);

        Assert.Equal(0, run.ExitCode);
        var traces = Bodies(collector, "/v1/traces");
        var metrics = Bodies(collector, "/v1/metrics");
        Assert.NotEmpty(traces);
        Assert.NotEmpty(metrics);
        // OTLP's protobuf carries names as UTF-8: the spans and instruments are there by name, the service too.
        var trace = string.Concat(traces);
        foreach (var name in new[] { "aks-run invoke", "AksRunCommandClient.RunCommand", "ManagedClusters.RunCommand", "ManagedClusters.GetCommandResult", "nightly-drain", _cli.Fake.Runs.Single().CommandId! })
        {
            Assert.Contains(name, trace, StringComparison.Ordinal);
        }

        Assert.Contains("aks.runcommand.commands.started", string.Concat(metrics), StringComparison.Ordinal);
        Assert.Contains("aks.runcommand.commands.completed", string.Concat(metrics), StringComparison.Ordinal);
        Assert.DoesNotContain(CliDriver.Token, trace, StringComparison.Ordinal);
        Assert.All(collector.LogEntries, e => Assert.Equal("application/x-protobuf", e.RequestMessage!.Headers!["Content-Type"].Single()));
    }

    [Theory]
    [InlineData("localhost:4317")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("not a url")]
    public async Task OtlpEndpointThatIsNoHttpUrl_WarnsOnceAndTheRunGoesOn(string endpoint)
    {
        _cli.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;

        var run = await _cli.RunAsync(["invoke", "-c", "exit 3", .. _cli.Target]);

        Assert.Equal(3, run.ExitCode); // the remote exit code: telemetry never fails the job it observes
        var warning = Assert.Single(run.StderrLines, l => l.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", StringComparison.Ordinal));
        Assert.Equal($"aks-run: warning: OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an absolute http or https URL; traces and metrics are not exported.", warning);
    }

    [Fact]
    public async Task Version_PrintsToolLibraryDefaultApiVersionAndTheKiotaThatGenerated()
    {
        var run = await _cli.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        _output.WriteLine(run.Stdout);
        var kiota = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "kiota-lock.json")))!["kiotaVersion"]!;
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^aks-run \d+\.\d+\.\d+", lines[0]);
        Assert.Matches(@"^AksRunCommand \d+\.\d+\.\d+", lines[1]);
        Assert.Equal($"default api-version {AksRunCommandClientOptions.DefaultApiVersion}", lines[2]);
        Assert.Equal($"generated by Kiota {kiota}", lines[3]);
    }

    private static List<string> Bodies(WireMockServer server, string path) =>
        server.LogEntries.Where(e => e.RequestMessage!.Path == path).Select(e => Encoding.UTF8.GetString(e.RequestMessage!.BodyAsBytes ?? [])).ToList();
}
