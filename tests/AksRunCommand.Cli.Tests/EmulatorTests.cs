using System.Diagnostics;

namespace AksRunCommand.Cli.Tests;

public sealed class EmulatorTests : IDisposable
{
    private readonly CliDriver _cli = new(requireToken: false);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task NoSubscription_RunsAgainstTheEmbeddedEmulatorAndSaysSo()
    {
        _cli.Environment.Remove("AKS_RUN_ACCESS_TOKEN");
        _cli.Write("some.yaml", "kind: ConfigMap"u8.ToArray());

        var run = await _cli.RunAsync("invoke", "-c", "kubectl get pods -A", "-f", "some.yaml");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("aks-run: no subscription (--subscription or AZURE_SUBSCRIPTION_ID): running against the embedded emulator at http://127.0.0.1:", run.StderrLines[0], StringComparison.Ordinal);
        Assert.Equal("[fake aks] ran: kubectl get pods -A\n[fake aks] attached: some.yaml (15 bytes)\n", run.Stdout);
    }

    [Fact]
    public async Task EmulatorFlag_WinsOverASubscription()
    {
        _cli.Environment["AZURE_SUBSCRIPTION_ID"] = CliDriver.Subscription;

        var run = await _cli.RunAsync("invoke", "-c", "exit 3", "-g", "rg1", "-n", "aks1", "--emulator");

        Assert.Equal(3, run.ExitCode); // the emulator's unscripted "exit 3": the command ran there
        Assert.StartsWith("aks-run: --emulator: running against the embedded emulator at http://127.0.0.1:", run.StderrLines[0], StringComparison.Ordinal);
        Assert.Matches("^aks-run: command [0-9a-f]{32} started on cluster aks1 \\(resource group rg1\\)\\.$", run.StderrLines[1]);
        Assert.DoesNotContain(CliDriver.Subscription, run.Stderr, StringComparison.Ordinal); // the environment's subscription was never used
    }

    [Fact]
    public async Task Help_ListsBothCommands()
    {
        var run = await _cli.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("invoke", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("result", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuiltExecutable_AgainstTheEmulator_SeparatesStreamsAndPassesTheExitCode()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "aks-run.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _cli.WorkingDirectory };
        foreach (var arg in new[] { tool, "invoke", "-c", "kubectl get ns" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("AZURE_SUBSCRIPTION_ID");
        start.Environment.Remove("AKS_RUN_ACCESS_TOKEN");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true); // never leave it running after the test
                await process.WaitForExitAsync();
                Assert.Fail($"aks-run did not exit within 60 s; stderr: {await stderr}");
            }
        }

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("[fake aks] ran: kubectl get ns\n", await stdout);
        Assert.Contains("embedded emulator", await stderr, StringComparison.Ordinal);
    }
}
