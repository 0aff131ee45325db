using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using static AksRunCommand.Tests.Fleets.FleetRunTests;

namespace AksRunCommand.Tests.Fleets;

// A rerun with the same journal waits for the commands started before, sends run requests only for clusters
// never attempted, and never resends one that may have been accepted.
public sealed class FleetJournalTests : IDisposable
{
    private static readonly Guid Subscription = Guid.Parse("cccccccc-0000-0000-0000-000000000003");
    private readonly ManualClock _clock = new();
    private readonly FakeAks _aks;
    private readonly TempFolder _temp = new();

    public FleetJournalTests()
    {
        _aks = FakeAks.Start(new FakeAksOptions { TimeProvider = _clock });
    }

    public void Dispose()
    {
        _aks.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Rerun_AfterAStoppedRun_ResumesTheStartedAndStartsOnlyTheRest()
    {
        var clusters = Enumerable.Range(0, 5).Select(i => Cluster(Subscription, $"j{i}")).ToList();
        var journal = _temp.Combine("fleet.jsonl");
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var content = new RunCommandContent("sleep 60");

        using (var cancel = new CancellationTokenSource())
        {
            var first = Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { MaxParallel = 2, JournalPath = journal }, cancel.Token));
            await _clock.DriveAsync(first, stopAfter: TimeSpan.FromSeconds(10));
            await cancel.CancelAsync();
            await _clock.RunAsync(first);
        }

        Assert.Equal(2, _aks.Runs.Count);
        var second = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { MaxParallel = 2, JournalPath = journal })));

        Assert.All(second, o => Assert.Equal(FleetOutcomeKind.Succeeded, o.Kind));
        Assert.Equal(5, _aks.Runs.Count);
        Assert.All(clusters, c => Assert.Single(_aks.Runs, r => r.Cluster == c));
        var third = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { JournalPath = journal })));
        Assert.All(third, o => Assert.True(o.FromJournal && o.Kind == FleetOutcomeKind.Succeeded));
        Assert.Equal(5, _aks.Runs.Count); // finished clusters are reported from the journal
    }

    [Fact]
    public async Task Rerun_ARequestThatGotNoAnswer_IsReportedAndNotResent_UnlessAskedTo()
    {
        var clusters = new[] { Cluster(Subscription, "sure"), Cluster(Subscription, "unsure") };
        _aks.Cluster(clusters[1]).When("ls").OnStart(FakeFault.ServerError(502));
        var journal = _temp.Combine("fleet.jsonl");
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("ls"), new FleetRunOptions { JournalPath = journal })));
        var rerun = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("ls"), new FleetRunOptions { JournalPath = journal })));

        var unsure = Assert.Single(rerun, o => o.Cluster == clusters[1]);
        Assert.Equal(FleetOutcomeKind.MayHaveStarted, unsure.Kind);
        Assert.Contains("not sent again", unsure.ErrorLine, StringComparison.Ordinal);
        Assert.Single(_aks.Runs, r => r.Cluster == clusters[1]);

        var resent = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("ls"), new FleetRunOptions { JournalPath = journal, ResendPossiblyStarted = true })));

        Assert.Equal(FleetOutcomeKind.Succeeded, Assert.Single(resent, o => o.Cluster == clusters[1]).Kind);
        Assert.Equal(2, _aks.Runs.Count(r => r.Cluster == clusters[1]));
    }

    [Fact]
    public async Task AJournalOfAnotherCommand_IsRefusedBeforeAnyRequest()
    {
        var journal = _temp.Combine("fleet.jsonl");
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        await _clock.RunAsync(Collect(client.RunOnFleetAsync([Cluster(Subscription, "a")], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = journal })));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Collect(client.RunOnFleetAsync([Cluster(Subscription, "b")], new RunCommandContent("rm -rf /tmp/x"), new FleetRunOptions { JournalPath = journal })));

        Assert.Contains("belongs to another command or context", error.Message, StringComparison.Ordinal);
        Assert.Single(_aks.Runs);
        Assert.DoesNotContain("rm -rf", File.ReadAllText(journal), StringComparison.Ordinal); // a fingerprint, never the command
    }

    [Fact]
    public async Task ATornLastLine_IsIgnored()
    {
        var journal = _temp.Combine("fleet.jsonl");
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var cluster = Cluster(Subscription, "torn");
        await _clock.RunAsync(Collect(client.RunOnFleetAsync([Cluster(Subscription, "first")], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = journal })));
        await File.AppendAllTextAsync(journal, "{\"type\":\"intent\",\"cluster\":\"" + cluster.ResourceId[..20]); // the process died mid-write

        var outcomes = await _clock.RunAsync(Collect(client.RunOnFleetAsync([cluster], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = journal })));

        Assert.Equal(FleetOutcomeKind.Succeeded, Assert.Single(outcomes).Kind);
        Assert.Contains("\"type\":\"accepted\"", File.ReadAllLines(journal)[^2], StringComparison.Ordinal);
    }
}
