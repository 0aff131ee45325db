using AksRunCommand.Fleets;
using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using static AksRunCommand.Tests.Fleets.FleetRunTests;

namespace AksRunCommand.Tests.Fleets;

// A rerun with the same journal waits for the commands started before, sends run requests only for clusters never
// attempted or refused in a way a rerun may change, and never resends one that may have been accepted. Each test
// names the class of failure (issue 20) it pins.
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

    private string Journal => _temp.Combine("fleet.jsonl");

    [Fact]
    public async Task Rerun_AfterAStoppedRun_ResumesTheStartedAndStartsOnlyTheRest()
    {
        var clusters = Enumerable.Range(0, 5).Select(i => Cluster(Subscription, $"j{i}")).ToList();
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var content = new RunCommandContent("sleep 60");

        using (var cancel = new CancellationTokenSource())
        {
            var first = Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { MaxParallel = 2, JournalPath = Journal }, cancel.Token));
            await _clock.DriveAsync(first, stopAfter: TimeSpan.FromSeconds(10));
            await cancel.CancelAsync();
            var stopped = await _clock.RunAsync(first);
            Assert.Equal(2, stopped.Count(o => o.Kind == FleetOutcomeKind.WaitStopped && o.CommandId is not null));
            Assert.Equal(3, stopped.Count(o => o.Kind == FleetOutcomeKind.NotStarted && o.CommandId is null));
        }

        Assert.Equal(2, _aks.Runs.Count);
        var second = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { MaxParallel = 2, JournalPath = Journal })));

        Assert.Equal(5, second.Count(o => o.Kind == FleetOutcomeKind.Succeeded));
        Assert.Equal(5, _aks.Runs.Count);
        Assert.Equal(clusters.Select(c => c.ResourceId).Order(), _aks.Runs.Select(r => r.Cluster.ResourceId).Order()); // each cluster exactly one run request
        var third = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { JournalPath = Journal })));
        Assert.Equal(5, third.Count(o => o.FromJournal && o.Kind == FleetOutcomeKind.Succeeded));
        Assert.Equal(_aks.Runs.Select(r => r.CommandId).Order(), third.Select(o => o.CommandId).Order());
        Assert.Equal(5, _aks.Runs.Count); // finished clusters are reported from the journal
    }

    // Class 1: two runs on one journal.
    [Fact]
    public async Task ASecondRunOnAHeldJournal_IsRefusedBeforeAnyRequest_AndTheFirstGoesOn()
    {
        var clusters = Enumerable.Range(0, 3).Select(i => Cluster(Subscription, $"h{i}")).ToList();
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var content = new RunCommandContent("sleep 30");
        await using var first = client.RunOnFleetAsync(clusters, content, new FleetRunOptions { JournalPath = Journal }).GetAsyncEnumerator();
        var firstOutcome = first.MoveNextAsync().AsTask(); // opens (and holds) the journal, then starts the clusters
        await _clock.DriveAsync(firstOutcome, stopAfter: TimeSpan.FromSeconds(5));
        var postsBefore = _aks.Runs.Count;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Collect(client.RunOnFleetAsync(clusters, content, new FleetRunOptions { JournalPath = Journal })));

        Assert.Contains($"Journal '{Journal}' is held by another fleet run", error.Message, StringComparison.Ordinal);
        Assert.Equal(postsBefore, _aks.Runs.Count);
        Assert.True(await _clock.RunAsync(firstOutcome));
        Assert.Equal(3, _aks.Runs.Count);
    }

    // Class 2: a later line never erases the doubt of an earlier intent that got no answer.
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public async Task AnUnansweredIntent_StaysInDoubt_WhateverALaterAttemptSays(int version)
    {
        var cluster = Cluster(Subscription, "doubt");
        var content = new RunCommandContent("ls");
        var id = cluster.ResourceId;
        var header = $$"""{"type":"run","fingerprint":"{{FleetJournal.Fingerprint(content)}}","version":{{version}}}""";
        _temp.Write("fleet.jsonl", version == 2
            ? $$"""
              {{header}}
              {"type":"intent","cluster":"{{id}}","attempt":1}
              {"type":"intent","cluster":"{{id}}","attempt":2}
              {"type":"notSent","cluster":"{{id}}","attempt":2}

              """
            : $$"""
              {{header}}
              {"type":"intent","cluster":"{{id}}"}
              {"type":"intent","cluster":"{{id}}"}
              {"type":"notSent","cluster":"{{id}}"}

              """);
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var outcome = Assert.Single(await _clock.RunAsync(Collect(client.RunOnFleetAsync([cluster], content, new FleetRunOptions { JournalPath = Journal }))));

        Assert.Equal(FleetOutcomeKind.MayHaveStarted, outcome.Kind);
        Assert.True(outcome.FromJournal);
        Assert.Empty(_aks.Runs);
    }

    [Fact]
    public async Task ARequestThatGotNoAnswer_IsReportedAndNotResent_UnlessAskedTo()
    {
        var clusters = new[] { Cluster(Subscription, "sure"), Cluster(Subscription, "unsure") };
        _aks.Cluster(clusters[1]).When("ls").OnStart(FakeFault.ServerError(502));
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal })));
        var rerun = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal })));

        var unsure = Assert.Single(rerun, o => o.Cluster == clusters[1]);
        Assert.Equal(FleetOutcomeKind.MayHaveStarted, unsure.Kind);
        Assert.Contains("not sent again", unsure.ErrorLine, StringComparison.Ordinal);
        Assert.Single(_aks.Runs, r => r.Cluster == clusters[1]);

        var resent = await _clock.RunAsync(Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal, ResendPossiblyStarted = true })));

        Assert.Equal(FleetOutcomeKind.Succeeded, Assert.Single(resent, o => o.Cluster == clusters[1]).Kind);
        Assert.Equal(2, _aks.Runs.Count(r => r.Cluster == clusters[1]));
        Assert.Single(_aks.Runs, r => r.Cluster == clusters[0]);
    }

    // Class 3: a 202 is acceptance, with or without a usable Location; the resend flag is for requests with no answer at all.
    [Fact]
    public async Task AcceptedWithoutLocation_IsJournaledAsAccepted_AndNeverSentAgain_EvenWhenAskedToResend()
    {
        var cluster = Cluster(Subscription, "noloc");
        _aks.Cluster(cluster).When("ls").OnStart(FakeFault.AcceptedWithoutLocation);
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var first = Assert.Single(await _clock.RunAsync(Collect(client.RunOnFleetAsync([cluster], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal }))));
        var rerun = Assert.Single(await _clock.RunAsync(Collect(client.RunOnFleetAsync([cluster], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal, ResendPossiblyStarted = true }))));

        Assert.Equal(FleetOutcomeKind.AcceptedWithoutId, first.Kind);
        Assert.Equal(FleetOutcomeKind.AcceptedWithoutId, rerun.Kind);
        Assert.True(rerun.FromJournal);
        Assert.Single(_aks.Runs);
        Assert.Contains("""{"type":"accepted","cluster":""" + "\"" + cluster.ResourceId + "\",\"attempt\":1}", File.ReadAllText(Journal), StringComparison.Ordinal);
    }

    // Class 4 (a): a 429 answer is a retryable refusal on disk, and a rerun starts the cluster.
    [Fact]
    public async Task AThrottledRequest_IsARetryableRefusal_AndARerunStartsIt()
    {
        var cluster = Cluster(Subscription, "throttled");
        _aks.Cluster(cluster).When("ls").OnStart(FakeFault.Throttled(TimeSpan.FromMinutes(5)));
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        using (var cancel = new CancellationTokenSource())
        {
            var first = Collect(client.RunOnFleetAsync([cluster], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal }, cancel.Token));
            await _clock.DriveAsync(first, stopAfter: TimeSpan.FromSeconds(30)); // the 429's five minutes are not over
            await cancel.CancelAsync();
            Assert.Equal(FleetOutcomeKind.NotStarted, Assert.Single(await _clock.RunAsync(first)).Kind);
        }

        var history = FleetJournal.ReadOnly(Journal, new RunCommandContent("ls"))[cluster];
        Assert.Equal(AttemptAnswer.Refused, history.Attempts[1].Answer);
        Assert.False(history.Attempts[1].Final);

        var rerun = Assert.Single(await _clock.RunAsync(Collect(client.RunOnFleetAsync([cluster], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal }))));

        Assert.Equal(FleetOutcomeKind.Succeeded, rerun.Kind);
        Assert.Equal([429, 202], _aks.Runs.Select(r => r.Status));
    }

    // Class 4 (a), for journals version 1 wrote: its "refused" line for a 429 reads as retryable, a 404 as final.
    [Fact]
    public async Task AVersion1Journal_ThrottledRefusalIsStartedAgain_NotFoundIsNot()
    {
        var throttled = Cluster(Subscription, "v1-throttled");
        var gone = Cluster(Subscription, "v1-gone");
        var content = new RunCommandContent("ls");
        _temp.Write("fleet.jsonl", $$"""
            {"type":"run","fingerprint":"{{FleetJournal.Fingerprint(content)}}","version":1}
            {"type":"intent","cluster":"{{throttled.ResourceId}}"}
            {"type":"refused","cluster":"{{throttled.ResourceId}}","error":"ARM answered HTTP 429 (TooManyRequests) to the runCommand request on cluster 'v1-throttled' in resource group 'rg-cccc': slow down."}
            {"type":"intent","cluster":"{{gone.ResourceId}}"}
            {"type":"refused","cluster":"{{gone.ResourceId}}","error":"ARM answered HTTP 404 (ResourceNotFound) to the runCommand request on cluster 'v1-gone' in resource group 'rg-cccc'."}

            """);
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var outcomes = (await _clock.RunAsync(Collect(client.RunOnFleetAsync([throttled, gone], content, new FleetRunOptions { JournalPath = Journal })))).ToDictionary(o => o.Cluster);

        Assert.Equal(FleetOutcomeKind.Succeeded, outcomes[throttled].Kind);
        Assert.Equal(FleetOutcomeKind.Refused, outcomes[gone].Kind);
        Assert.True(outcomes[gone].FromJournal);
        Assert.Equal([throttled], _aks.Runs.Select(r => r.Cluster));
    }

    [Fact]
    public async Task AJournalOfAnotherCommand_IsRefusedBeforeAnyRequest()
    {
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        await _clock.RunAsync(Collect(client.RunOnFleetAsync([Cluster(Subscription, "a")], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal })));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Collect(client.RunOnFleetAsync([Cluster(Subscription, "b")], new RunCommandContent("rm -rf /tmp/x"), new FleetRunOptions { JournalPath = Journal })));

        Assert.Contains("belongs to another command or context", error.Message, StringComparison.Ordinal);
        Assert.Single(_aks.Runs);
        Assert.DoesNotContain("rm -rf", File.ReadAllText(Journal), StringComparison.Ordinal); // a fingerprint, never the command
    }

    [Fact]
    public async Task ATornLastLine_IsIgnored_AndTheNextLineStartsOnItsOwn()
    {
        var client = _aks.CreateClient(o => o.TimeProvider = _clock);
        var cluster = Cluster(Subscription, "torn");
        await _clock.RunAsync(Collect(client.RunOnFleetAsync([Cluster(Subscription, "first")], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal })));
        await File.AppendAllTextAsync(Journal, "{\"type\":\"intent\",\"cluster\":\"" + cluster.ResourceId[..20]); // the process died mid-write

        var outcomes = await _clock.RunAsync(Collect(client.RunOnFleetAsync([cluster], new RunCommandContent("ls"), new FleetRunOptions { JournalPath = Journal })));

        Assert.Equal(FleetOutcomeKind.Succeeded, Assert.Single(outcomes).Kind);
        var lines = File.ReadAllLines(Journal);
        Assert.Equal(["intent", "accepted", "finished"], lines[^3..].Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()));
        Assert.Single(_aks.Runs, r => r.Cluster == cluster);
    }
}
