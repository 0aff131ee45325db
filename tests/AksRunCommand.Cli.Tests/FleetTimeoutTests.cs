using AksRunCommand.Testing;
using Xunit.Abstractions;

namespace AksRunCommand.Cli.Tests;

// The run that found issue 21: aks-run fleet --timeout 5 over two clusters of one subscription, one poll answered 429
// with a ten-minute Retry-After (which pauses the subscription's reads), the other 503 then Running. It had not
// returned after two minutes; --timeout is per command and must hold whatever the poll waits for.
public sealed class FleetTimeoutTests(ITestOutputHelper output) : IDisposable
{
    private const string Subscription = "ffffffff-6666-4000-8000-000000000006";
    private readonly CliDriver _cli = new(requireToken: false);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Timeout_WhileAnotherPollWaitsOutATenMinuteRetryAfter_ReturnsOnTimeWithBothIds()
    {
        var throttled = new ClusterId(Subscription, "rg", "aks-throttled");
        var flaky = new ClusterId(Subscription, "rg", "aks-flaky");
        _cli.Fake.Cluster(throttled).When("sleep 600").RunningFor(TimeSpan.FromMinutes(10)).OnPoll(FakeFault.Throttled(TimeSpan.FromMinutes(10)));
        _cli.Fake.Cluster(flaky).When("sleep 600").RunningFor(TimeSpan.FromMinutes(10)).OnPoll(FakeFault.ServerError(503));

        var run = await _cli.RunAsync("fleet", "-c", "sleep 600", "--cluster", throttled.ResourceId, "--cluster", flaky.ResourceId, "--timeout", "5", "--no-preflight", "--endpoint", _cli.Fake.Endpoint.ToString());

        output.WriteLine($"$ aks-run fleet -c \"sleep 600\" --cluster .../aks-throttled --cluster .../aks-flaky --timeout 5   (virtual time {_cli.Clock.Elapsed.TotalSeconds:0.0} s)");
        output.WriteLine(run.Stderr);
        output.WriteLine(run.Stdout);
        Assert.Equal(1, run.ExitCode);
        Assert.InRange(_cli.Clock.Elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6)); // not the ten minutes the 429 asked for
        Assert.Contains(_cli.Fake.Polls, p => p.Status == 429);
        Assert.Contains(_cli.Fake.Polls, p => p.Status == 503);
        foreach (var recorded in _cli.Fake.Runs)
        {
            var expected = $" {recorded.Cluster.ClusterName} (rg): WaitStopped: stopped waiting (--timeout, or the run was stopped); the command keeps running on the cluster. Resume with: aks-run result --command-id {recorded.CommandId} -g rg -n {recorded.Cluster.ClusterName} --subscription {Subscription} --endpoint {_cli.Fake.Endpoint} [command {recorded.CommandId}]";
            Assert.Single(run.StderrLines, l => l.StartsWith("aks-run: [", StringComparison.Ordinal) && l.EndsWith(expected, StringComparison.Ordinal));
        }

        Assert.Equal(2, _cli.Fake.Runs.Count);
    }
}
