using AksRunCommand.Testing;
using Xunit.Abstractions;

namespace AksRunCommand.Cli.Tests;

// aks-run fleet against a subscription the resource provider limits to 20 requests at once and 1 a second, with no
// remaining-budget header (the run that found issue 22: 90 of 165 requests answered 429, one cluster lost): 30 clusters
// whose commands take 10 s. Every cluster succeeds; the client learns the limit from its 429s and, once requests are
// scarce, aims its polls where the other commands finished, so it sends fewer polls than the default schedule's one a
// second.
public sealed class FleetAtTheProviderLimitTests(ITestOutputHelper output) : IDisposable
{
    private const string Subscription = "eeeeeeee-5555-4000-8000-000000000005";
    private const string Command = "kubectl rollout status deploy/web";
    private readonly CliDriver _cli = new(requireToken: false, throttling: new FakeArmThrottling { ProviderCapacity = 20, ProviderPerSecond = 1, RemainingHeaders = false });

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ThirtyClusters_OnePerSecond_AllSucceedWithFew429sAndFewerPollsThanTheDefaultSchedule()
    {
        using var unlimited = new CliDriver(requireToken: false);
        var unlimitedRun = await RunAsync(unlimited);
        var defaultPolls = unlimited.Fake.Polls.Count;

        var run = await RunAsync(_cli);

        var runs = _cli.Fake.Runs;
        var polls = _cli.Fake.Polls;
        var throttled = runs.Count(r => r.Status == 429) + polls.Count(p => p.Status == 429);
        var requests = runs.Count + polls.Count;
        var answeredPolls = polls.Count(p => p.Status != 429);
        output.WriteLine(run.StderrLines[^1]);
        output.WriteLine($"without the limit: {unlimitedRun.StderrLines[^1]} {defaultPolls} polls ({defaultPolls / 30.0:0.00} a command), {unlimited.Clock.Elapsed.TotalSeconds:0} s");
        output.WriteLine($"{requests} requests ({runs.Count} run requests, {polls.Count} polls), {throttled} answered 429 ({100.0 * throttled / requests:0.0} %), {answeredPolls / 30.0:0.00} answered polls a command, {_cli.Clock.Elapsed.TotalSeconds:0} s");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("aks-run: 30 cluster(s): 30 Succeeded.", run.StderrLines[^1]);
        Assert.Equal(30, runs.Count(r => r.Status == 202)); // each accepted once
        Assert.InRange(throttled, 0, requests / 10);
        Assert.Equal(0, unlimitedRun.ExitCode);
        Assert.InRange(answeredPolls, 30, defaultPolls / 2); // aimed where the others finished, not every second
    }

    private static Task<CliRun> RunAsync(CliDriver cli)
    {
        var clusters = Enumerable.Range(0, 30).Select(i => new ClusterId(Subscription, "rg", $"aks-{i:00}")).ToList();
        foreach (var cluster in clusters)
        {
            cli.Fake.Cluster(cluster).When(Command).RunningFor(TimeSpan.FromSeconds(10)).ExitsWith(0, "deployment \"web\" successfully rolled out\n");
        }

        return cli.RunAsync(["fleet", "-c", Command, .. clusters.SelectMany(c => new[] { "--cluster", c.ResourceId }), "--no-preflight", "--endpoint", cli.Fake.Endpoint.ToString()]);
    }
}
