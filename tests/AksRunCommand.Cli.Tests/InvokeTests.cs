using System.Text.Json;
using AksRunCommand.Tests.Shared;

namespace AksRunCommand.Cli.Tests;

public sealed class InvokeTests : IDisposable
{
    private readonly CliDriver _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Invoke_LogsGoToStdoutByteExactAndStatusToStderr()
    {
        const string logs = "NAME    READY\nweb-1   1/1\nünïcødé ✓\n\tno trailing newline";
        _cli.Fake.When("kubectl get pods").RunningFor(2).ExitsWith(0, logs);

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get pods", .. _cli.Target]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(logs, run.Stdout);
        Assert.All(run.StderrLines, line => Assert.StartsWith("aks-run: ", line, StringComparison.Ordinal));
        Assert.Contains(run.StderrLines, l => l.Contains("started on cluster aks1", StringComparison.Ordinal));
        Assert.Single(run.StderrLines, l => l.Contains("Running after", StringComparison.Ordinal)); // one line per state change
        Assert.Contains(run.StderrLines, l => l.StartsWith("aks-run: Succeeded, exit code 0", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Stderr, c => char.IsControl(c) && c != '\n');
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(127)]
    public async Task Invoke_ExitCodePassesThrough(int code)
    {
        var run = await _cli.RunAsync(["invoke", "-c", $"exit {code}", .. _cli.Target]);

        Assert.Equal(code, run.ExitCode);
    }

    [Fact]
    public async Task Invoke_InvalidClusterName_Exits255WithOneLineAndNoRequest()
    {
        var run = await _cli.RunAsync(["invoke", "-c", "ls", "--subscription", CliDriver.Subscription, "-g", "rg1", "-n", "bad.name", "--endpoint", _cli.Fake.Endpoint.ToString()]);

        Assert.Equal(255, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("aks-run: error: clusterName 'bad.name' is invalid", line, StringComparison.Ordinal);
        Assert.Empty(_cli.Fake.Runs);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Invoke_ClusterNotFound_Exits255WithTheArmError()
    {
        var answers = new AnswerIds();
        using var cli = new CliDriver { Transport = answers };
        using var fake = Testing.FakeAks.Start(new Testing.FakeAksOptions { ClusterExists = _ => false });
        var run = await cli.RunAsync(["invoke", "-c", "ls", "--subscription", CliDriver.Subscription, "-g", "rg1", "-n", "aks1", "--endpoint", fake.Endpoint.ToString()]);

        Assert.Equal(255, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("HTTP 404 (ResourceNotFound)", line, StringComparison.Ordinal);
        var answer = Assert.Single(answers.Answers, a => a.Method == "POST"); // then one GET of the cluster, to explain the refusal
        Assert.Contains($"x-ms-request-id: {answer.RequestId}, x-ms-correlation-request-id: {answer.CorrelationRequestId}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_FailedProvisioning_Exits255WithTheReason()
    {
        _cli.Fake.When("kubectl get pods").Fails("ImagePullBackoff");

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get pods", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        Assert.EndsWith("could not run: Failed (ImagePullBackoff).", run.StderrLines[^1], StringComparison.Ordinal);
        Assert.Single(run.StderrLines, l => l.StartsWith("aks-run: error:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_Timeout_Exits255NamingTheCommandIdAndTheResumeCommand()
    {
        _cli.Fake.When("sleep 600").RunningFor(TimeSpan.FromMinutes(10));

        var run = await _cli.RunAsync(["invoke", "-c", "sleep 600", "--timeout", "5", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        var id = Assert.Single(_cli.Fake.Runs).CommandId;
        var line = run.StderrLines[^1];
        Assert.Contains($"stopped waiting for command {id} (--timeout 5 s elapsed); it keeps running on the cluster.", line, StringComparison.Ordinal);
        Assert.Contains($"Resume with: aks-run result --command-id {id} -g rg1 -n aks1 --subscription {CliDriver.Subscription} --endpoint {_cli.Fake.Endpoint}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_Cancelled_Exits255WithTheResumeCommand()
    {
        _cli.Fake.When("sleep 600").RunningFor(TimeSpan.FromMinutes(10));

        var run = await _cli.RunCancelledAfterAsync(TimeSpan.FromSeconds(3.5), ["invoke", "-c", "sleep 600", .. _cli.Target]); // Ctrl+C after three polls

        Assert.Equal(3, _cli.Fake.Polls.Count);
        Assert.Equal(255, run.ExitCode);
        Assert.Contains("(cancelled); it keeps running on the cluster. Resume with: aks-run result --command-id", run.StderrLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoWait_ThenResult_GivesTheCommandIdThenTheOutput()
    {
        _cli.Fake.When("./backup.sh").RunningFor(3).ExitsWith(4, "partial backup\n");

        var started = await _cli.RunAsync(["invoke", "-c", "./backup.sh", "--no-wait", .. _cli.Target]);
        var id = started.Stdout.Trim();
        var result = await _cli.RunAsync(["result", "--command-id", id, .. _cli.Target]);

        Assert.Equal(0, started.ExitCode);
        Assert.Equal(Assert.Single(_cli.Fake.Runs).CommandId + "\n", started.Stdout);
        Assert.Equal(4, result.ExitCode);
        Assert.Equal("partial backup\n", result.Stdout);
    }

    [Fact]
    public async Task OutputJson_IsOneObjectThatParsesBack()
    {
        _cli.Fake.When("kubectl version").ExitsWith(0, "Client Version: v1.31.0\n");

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl version", "-o", "json", .. _cli.Target]);

        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(Assert.Single(_cli.Fake.Runs).CommandId, root.GetProperty("id").GetString());
        Assert.Equal("Succeeded", root.GetProperty("provisioningState").GetString());
        Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
        Assert.Equal("Client Version: v1.31.0\n", root.GetProperty("logs").GetString());
        var accepted = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero); // the clock's start: the fake accepted it then
        Assert.Equal(accepted, root.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(accepted + TimeSpan.FromSeconds(2), root.GetProperty("finishedAt").GetDateTimeOffset()); // Running at the 1 s poll, done at the 2 s one
        Assert.Equal("2026-11-28T12:00:00+00:00", root.GetProperty("startedAt").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("reason").ValueKind);
        Assert.Equal(1, run.Stdout.Count(c => c == '\n'));
    }

    [Fact]
    public async Task ApiVersionFlag_IsTheApiVersionOfTheRunRequestAndEveryPoll()
    {
        _cli.Fake.When("ls").RunningFor(1).ExitsWith(0);

        var run = await _cli.RunAsync(["invoke", "-c", "ls", "--api-version", "2025-10-01", .. _cli.Target]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("2025-10-01", Assert.Single(_cli.Fake.Runs).ApiVersion);
        Assert.Equal(["2025-10-01", "2025-10-01"], _cli.Fake.Polls.Select(p => p.ApiVersion));
    }

    [Fact]
    public async Task SubscriptionFromTheEnvironment_IsTheSubscriptionOnTheWire()
    {
        const string fromEnvironment = "99999999-8888-7777-6666-555555555555";
        _cli.Environment["AZURE_SUBSCRIPTION_ID"] = fromEnvironment;

        var run = await _cli.RunAsync(["invoke", "-c", "ls", "-g", "rg1", "-n", "aks1", "--endpoint", _cli.Fake.Endpoint.ToString()]);

        Assert.Equal(0, run.ExitCode);
        var sent = Assert.Single(_cli.Fake.Runs);
        Assert.Equal(Guid.Parse(fromEnvironment), sent.Cluster.SubscriptionId);
        Assert.StartsWith($"/subscriptions/{fromEnvironment}/resourceGroups/rg1/", sent.Path, StringComparison.OrdinalIgnoreCase);
        Assert.All(_cli.Fake.Polls, p => Assert.Equal(Guid.Parse(fromEnvironment), p.Cluster.SubscriptionId));
    }

    [Fact]
    public async Task ResultOutputJson_IsOneObjectOfTheFinishedCommand()
    {
        _cli.Fake.When("./backup.sh").RunningFor(3).ExitsWith(4, "partial backup\n");
        var id = (await _cli.RunAsync(["invoke", "-c", "./backup.sh", "--no-wait", .. _cli.Target])).Stdout.Trim();

        var result = await _cli.RunAsync(["result", "--command-id", id, "-o", "json", .. _cli.Target]);

        Assert.Equal(4, result.ExitCode); // the remote exit code, in JSON mode too
        Assert.Equal(1, result.Stdout.Count(c => c == '\n'));
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(id, root.GetProperty("id").GetString());
        Assert.Equal("Succeeded", root.GetProperty("provisioningState").GetString());
        Assert.Equal(4, root.GetProperty("exitCode").GetInt32());
        Assert.Equal("partial backup\n", root.GetProperty("logs").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("reason").ValueKind);
        Assert.Equal(["id", "provisioningState", "exitCode", "startedAt", "finishedAt", "logs", "reason"], root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Verbose_AFailurePrintsItsStackAfterTheOneLine_WithoutItOnlyTheLine()
    {
        _cli.Fake.Cluster(new ClusterId(CliDriver.Subscription, "rg1", "aks1")).DoesNotExist();

        var quiet = await _cli.RunAsync(["invoke", "-c", "ls", .. _cli.Target]);
        var verbose = await _cli.RunAsync(["invoke", "-c", "ls", "--verbose", .. _cli.Target]);

        Assert.Equal((255, 255), (quiet.ExitCode, verbose.ExitCode));
        var line = Assert.Single(quiet.StderrLines);
        Assert.StartsWith("aks-run: error: ", line, StringComparison.Ordinal);
        var lines = verbose.Stderr.Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith("aks-run: error: ", StringComparison.Ordinal));
        Assert.Equal(line.Split(" (x-ms-request-id")[0], lines[at].Split(" (x-ms-request-id")[0]); // the same line (each answer has ids of its own)
        Assert.StartsWith("AksRunCommand.ArmRequestFailedException: ", lines[at + 1], StringComparison.Ordinal);
        Assert.Contains(lines.Skip(at + 2), l => l.StartsWith("   at AksRunCommand.", StringComparison.Ordinal)); // the stack
        Assert.DoesNotContain("   at ", quiet.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileDot_AttachesTheFolderWithRelativePaths()
    {
        _cli.Write("ns.yaml", "kind: Namespace"u8.ToArray());
        _cli.Write("charts/web/Chart.yaml", "name: web"u8.ToArray());
        _cli.Write("charts/web/templates/deploy.yaml", "kind: Deployment"u8.ToArray());

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl apply -R -f .", "-f", ".", .. _cli.Target]);

        Assert.Equal(0, run.ExitCode);
        var files = Assert.Single(_cli.Fake.Runs).ContextFiles;
        Assert.Equal(["charts/web/Chart.yaml", "charts/web/templates/deploy.yaml", "ns.yaml"], files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal("kind: Deployment"u8.ToArray(), files.Single(f => f.Name == "charts/web/templates/deploy.yaml").Content);
    }

    [Fact]
    public async Task File_BinaryArrivesByteExact()
    {
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 % 256)).ToArray();
        _cli.Write("pkg/chart-1.0.0.tgz", bytes);

        var run = await _cli.RunAsync(["invoke", "-c", "helm install web chart-1.0.0.tgz", "-f", "pkg/chart-1.0.0.tgz", .. _cli.Target]);

        Assert.Equal(0, run.ExitCode);
        var file = Assert.Single(Assert.Single(_cli.Fake.Runs).ContextFiles);
        Assert.Equal("chart-1.0.0.tgz", file.Name);
        Assert.Equal(bytes, file.Content);
    }

    [Fact]
    public async Task File_DotMixedWithOthers_Exits255BeforeAnyRequest()
    {
        _cli.Write("ns.yaml", "x"u8.ToArray());

        var run = await _cli.RunAsync(["invoke", "-c", "ls", "-f", ".", "-f", "ns.yaml", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        Assert.Contains("cannot be combined", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(_cli.Fake.Runs);
    }

    [Fact]
    public async Task AccessTokenFromEnvironment_IsTheBearerTokenAndNeverPrinted()
    {
        var run = await _cli.RunAsync(["invoke", "-c", "exit 0", "--verbose", .. _cli.Target]);
        _cli.Environment["AKS_RUN_ACCESS_TOKEN"] = "wrong-token";
        var refused = await _cli.RunAsync(["invoke", "-c", "exit 0", "--verbose", .. _cli.Target]);

        Assert.Equal(0, run.ExitCode);                    // the fake accepts only "Bearer <AKS_RUN_ACCESS_TOKEN>"
        Assert.Equal(255, refused.ExitCode);
        Assert.Contains("HTTP 401 (InvalidAuthenticationToken)", refused.Stderr, StringComparison.Ordinal);
        Assert.All(new[] { run.Stdout, run.Stderr, refused.Stdout, refused.Stderr }, text =>
        {
            Assert.DoesNotContain(CliDriver.Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-token", text, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("http://10.1.2.3:8080", "https")]
    [InlineData("not a url", "not an absolute URL")]
    public async Task Endpoint_Invalid_Exits255(string endpoint, string message)
    {
        var run = await _cli.RunAsync(["invoke", "-c", "ls", "--subscription", CliDriver.Subscription, "-g", "rg1", "-n", "aks1", "--endpoint", endpoint]);

        Assert.Equal(255, run.ExitCode);
        Assert.Contains(message, Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingCommand_Exits255WithOneLine()
    {
        var run = await _cli.RunAsync(["invoke", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        Assert.Contains("--command", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
