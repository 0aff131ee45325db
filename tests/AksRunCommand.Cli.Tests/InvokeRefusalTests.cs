using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Tests;

// aks-run invoke keeps one request per run; only when ARM refuses the run request does it GET the cluster, and only a
// reason the cluster's state gives is added to the error line.
public sealed class InvokeRefusalTests : IDisposable
{
    private static readonly ClusterId Cluster = new(CliDriver.Subscription, "rg1", "aks1");
    private readonly CliDriver _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task RefusedOnAStoppedCluster_TheErrorLineSaysItIsStoppedAndHowToStartIt()
    {
        _cli.Fake.Cluster(Cluster).Stopped();

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get ns", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("aks-run: error: ARM answered HTTP 409 (OperationNotAllowed) to the runCommand request on cluster 'aks1' in resource group 'rg1': Operation is not allowed because the managed cluster 'aks1' is stopped", line, StringComparison.Ordinal);
        Assert.EndsWith(") (the cluster cannot run commands: power state Stopped: start it with az aks start)", line, StringComparison.Ordinal);
        Assert.Equal(409, Assert.Single(_cli.Fake.Runs).Status);
        var read = Assert.Single(_cli.Fake.ClusterReads);
        Assert.Equal((ClusterReadOperation.Get, "aks1", 200, true), (read.Operation, read.ClusterName, read.Status, read.AuthorizationPresent));
    }

    [Fact]
    public async Task RefusedWithRunCommandDisabled_TheErrorLineSaysSo()
    {
        _cli.Fake.Cluster(Cluster).RunCommandDisabled();

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get ns", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        Assert.EndsWith(" (the cluster cannot run commands: apiServerAccessProfile.disableRunCommand is true: enable it with az aks update --enable-run-command)", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedButTheClusterLooksFine_TheErrorLineStaysAsItCame()
    {
        _cli.Fake.Cluster(Cluster).Forbids();

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get ns", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("aks-run: error: ARM answered HTTP 403 (AuthorizationFailed) to the runCommand request", line, StringComparison.Ordinal);
        Assert.EndsWith(")", line, StringComparison.Ordinal); // the request ids, nothing after them
        Assert.DoesNotContain("the cluster cannot run commands", line, StringComparison.Ordinal);
        Assert.Single(_cli.Fake.ClusterReads);
    }

    [Fact]
    public async Task RefusedAndTheGetFails_TheErrorLineStaysAsItCame()
    {
        _cli.Fake.Cluster(Cluster).Stopped();
        _cli.Fake.OnClusterReads(FakeFault.ArmError(403, "AuthorizationFailed", "no read for you"));

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get ns", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("aks-run: error: ARM answered HTTP 409 (OperationNotAllowed) to the runCommand request", line, StringComparison.Ordinal);
        Assert.DoesNotContain("the cluster cannot run commands", line, StringComparison.Ordinal);
        Assert.Equal(403, Assert.Single(_cli.Fake.ClusterReads).Status);
    }

    [Fact]
    public async Task Accepted_ReadsNoCluster()
    {
        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get ns", .. _cli.Target]);

        Assert.Equal(0, run.ExitCode);
        Assert.Single(_cli.Fake.Runs);
        Assert.Empty(_cli.Fake.ClusterReads);
    }

    [Fact]
    public async Task MayHaveStarted_ReadsNoCluster()
    {
        _cli.Fake.Cluster(Cluster).RefusesEveryStart(FakeFault.ServerError(500));

        var run = await _cli.RunAsync(["invoke", "-c", "kubectl get ns", .. _cli.Target]);

        Assert.Equal(255, run.ExitCode);
        Assert.Contains("may or may not have started", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(_cli.Fake.ClusterReads);
    }
}
