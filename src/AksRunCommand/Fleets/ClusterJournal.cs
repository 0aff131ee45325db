using AksRunCommand.Operations;

namespace AksRunCommand.Fleets;

/// <summary>
/// One cluster's run requests in the journal: attempt n's intent before request n goes out, then exactly one
/// answer to it. Numbers continue after what earlier runs recorded.
/// </summary>
internal sealed class ClusterJournal(FleetJournal journal, ClusterId cluster, int lastRecorded) : IRunRequestJournal
{
    private int _attempt = lastRecorded;

    public int NextAttempt => _attempt + 1;

    public async ValueTask<int> IntentAsync()
    {
        var attempt = Interlocked.Increment(ref _attempt);
        await journal.AppendAsync(new FleetJournalEntry(FleetJournalEntry.Intent, cluster.ResourceId, attempt)).ConfigureAwait(false);
        return attempt;
    }

    public ValueTask AcceptedAsync(int attempt, string? commandId) =>
        new(journal.AppendAsync(new FleetJournalEntry(FleetJournalEntry.Accepted, cluster.ResourceId, attempt, CommandId: commandId)));

    public ValueTask RefusedAsync(int attempt, bool final, string reason) =>
        new(journal.AppendAsync(new FleetJournalEntry(FleetJournalEntry.Refused, cluster.ResourceId, attempt, Final: final, Error: reason)));

    public ValueTask NotSentAsync(int attempt, string? reason) =>
        new(journal.AppendAsync(new FleetJournalEntry(FleetJournalEntry.NotSent, cluster.ResourceId, attempt, Error: reason)));
}
