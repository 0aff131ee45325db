using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Tests;

// The tool's own failures are 255 and one line, never the runtime's exit 1 or a stack trace; once the service
// accepted the command, the line names its id and the aks-run result command that resumes it.
public sealed class HardeningTests : IDisposable
{
    private readonly CliDriver _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("99999999")]
    public async Task RetryAfterThatCannotBeHonoured_OnTheStart_RunsAndExitsWithTheRemoteCode(string value)
    {
        _cli.Fake.When("exit 3").RunningFor(0).ExitsWith(3).OnStart(FakeFault.AcceptedWithLocation(_cli.Fake.Endpoint.GetLeftPart(UriPartial.Authority) + $"/subscriptions/{CliDriver.Subscription}/resourcegroups/rg1/providers/Microsoft.ContainerService/managedclusters/aks1/commandResults/{{id}}").WithHeader("Retry-After", value));

        var run = await _cli.RunAsync(["invoke", "-c", "exit 3", .. _cli.Target]);

        Assert.Equal(3, run.ExitCode);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.True(_cli.Clock.Elapsed <= TimeSpan.FromMinutes(10), $"waited {_cli.Clock.Elapsed}");
    }

    [Fact]
    public async Task PersistentPollFault_Exits255WithTheIdAndTheResumeCommand()
    {
        _cli.Fake.When("kubectl get pods").OnPoll(FakeFault.ServerError(503), times: 100);

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get pods", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        var id = Assert.Single(_cli.Fake.Runs).CommandId;
        var line = Assert.Single(run.StderrLines, l => l.StartsWith("aks-run: error:", StringComparison.Ordinal));
        Assert.Contains($"ARM answered HTTP 503 (ServiceUnavailable) to the commandResults poll", line, StringComparison.Ordinal);
        Assert.EndsWith($"The command keeps running on the cluster. Resume with: aks-run result --command-id {id} -g rg1 -n aks1 --subscription {CliDriver.Subscription} --endpoint {_cli.Fake.Endpoint}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("GetRunCommandOperation", line, StringComparison.Ordinal);
        Assert.Equal(6, _cli.Fake.Polls.Count);
    }

    [Fact]
    public async Task HugeTimeout_IsAccepted()
    {
        var run = await _cli.RunAsync(["invoke", "-c", "exit 0", "--timeout", "5000000", .. _cli.Target]);

        Assert.Equal(0, run.ExitCode);
    }

    [Theory]
    [InlineData("abc\u0001def")]
    [InlineData("abc/def")]
    [InlineData("abc def")]
    [InlineData("abc%2Fdef")]
    public async Task Result_CommandIdThatIsNotOneVisibleSegment_Exits255BeforeAnyRequest(string id)
    {
        var run = await _cli.RunAsync(["result", "--command-id", id, .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("aks-run: error: commandId '", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0001', line);
        Assert.Empty(_cli.Fake.Polls);
    }

    [Fact]
    public async Task FilesThatWouldBeBothFileAndFolder_Exit255BeforeAnyRequest()
    {
        _cli.Write("x/a", "a file named a"u8.ToArray());
        _cli.Write("y/a/b.txt", "a file in a folder named a"u8.ToArray());

        var run = await _cli.RunAsync(["invoke", "-c", "ls", "-f", "x/a", "-f", "y/a", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        Assert.Contains("both a file and a folder", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(_cli.Fake.Runs);
    }

    // Issue 20, class 7: a non-zero remote exit code never makes aks-run exit 0, even one that does not fit an exit status.
    [Theory]
    [InlineData(256, 1)]
    [InlineData(512, 1)]
    [InlineData(257, 1)]
    [InlineData(300, 44)]
    [InlineData(-1, 255)]
    [InlineData(255, 255)]
    [InlineData(3, 3)]
    public async Task RemoteExitCodeThatDoesNotFit_NeverExits0(int remote, int expected)
    {
        _cli.Fake.When("remote").RunningFor(0).ExitsWith(remote, "out\n");

        var run = await _cli.RunAsync(["invoke", "-c", "remote", .. _cli.Target]);

        Assert.Equal(expected, run.ExitCode);
        Assert.Equal("out\n", run.Stdout);
    }

    // Issue 20, class 7: only regular files and folders can be attached; a named pipe would block the read for ever.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ANamedPipe_GivenOrInsideAFolder_Exits255BeforeAnyRequest(bool insideFolder)
    {
        _cli.Write("manifests/ns.yaml", "kind: Namespace\n"u8.ToArray());
        var pipe = Path.Combine(_cli.WorkingDirectory, insideFolder ? "manifests/pipe" : "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl apply -f .", "-f", insideFolder ? "manifests" : "pipe", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("is a named pipe (FIFO), not a regular file: only regular files and folders can be attached", line, StringComparison.Ordinal);
        Assert.Empty(_cli.Fake.Runs);
    }
}
