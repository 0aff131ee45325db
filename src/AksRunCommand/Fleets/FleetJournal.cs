using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AksRunCommand.Fleets;

/// <summary>
/// The durable record of a fleet run: an append-only JSON Lines file, each line flushed to disk before the
/// next step. Read back, it says per cluster what is known: never attempted, attempted (intent written, the
/// request may have gone out), accepted with an id, refused, or finished. A torn last line (the process died
/// while writing it) is ignored: an intent is written before its request, so a torn intent means nothing was sent.
/// </summary>
internal sealed class FleetJournal : IDisposable
{
    private const int FormatVersion = 1;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly FileStream _file;

    private FleetJournal(FileStream file, Dictionary<ClusterId, FleetJournalState> states)
    {
        _file = file;
        States = states;
    }

    /// <summary>What an earlier run left, per cluster.</summary>
    public IReadOnlyDictionary<ClusterId, FleetJournalState> States { get; }

    /// <summary>The fingerprint of a command and its context: a journal belongs to one command.</summary>
    public static string Fingerprint(RunCommandContent content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content.Command + "\0" + (content.Context?.Base64 ?? string.Empty))));

    /// <summary>Opens (or creates) the journal; a journal of another command or context is refused before anything is sent.</summary>
    /// <exception cref="ArgumentException">The journal belongs to another command or context, or cannot be read.</exception>
    public static FleetJournal Open(string path, RunCommandContent content)
    {
        var fingerprint = Fingerprint(content);
        var states = new Dictionary<ClusterId, FleetJournalState>();
        var full = Path.GetFullPath(path);
        var exists = File.Exists(full) && new FileInfo(full).Length > 0;
        if (exists)
        {
            Read(full, fingerprint, states);
        }

        FileStream file;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            file = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Journal '{path}' cannot be written: {e.Message}", "options", e);
        }

        var journal = new FleetJournal(file, states);
        if (!exists)
        {
            journal.Append(new FleetJournalEntry(FleetJournalEntry.Run, Fingerprint: fingerprint, Version: FormatVersion));
        }
        else
        {
            journal.EndTornLine();
        }

        return journal;
    }

    public Task IntentAsync(ClusterId cluster) => AppendAsync(new FleetJournalEntry(FleetJournalEntry.Intent, cluster.ResourceId));

    public Task AcceptedAsync(ClusterId cluster, string commandId) => AppendAsync(new FleetJournalEntry(FleetJournalEntry.Accepted, cluster.ResourceId, commandId));

    /// <summary>The intent is void: the request certainly did not go out (the run was cancelled while waiting for its turn or a throttle).</summary>
    public Task NotSentAsync(ClusterId cluster) => AppendAsync(new FleetJournalEntry(FleetJournalEntry.NotSent, cluster.ResourceId));

    public Task RefusedAsync(ClusterId cluster, string error) => AppendAsync(new FleetJournalEntry(FleetJournalEntry.Refused, cluster.ResourceId, Error: error));

    public Task FinishedAsync(FleetOutcome outcome) => AppendAsync(new FleetJournalEntry(
        FleetJournalEntry.Finished, outcome.Cluster.ResourceId, outcome.CommandId, outcome.Kind.ToString(), outcome.ProvisioningState, outcome.ExitCode, outcome.ErrorLine));

    public void Dispose()
    {
        _file.Dispose();
        _write.Dispose();
    }

    private async Task AppendAsync(FleetJournalEntry entry)
    {
        await _write.WaitAsync().ConfigureAwait(false);
        try
        {
            Append(entry);
        }
        finally
        {
            _write.Release();
        }
    }

    // On disk before the caller takes its next step: an intent before the request, an id before the wait.
    private void Append(FleetJournalEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, FleetJournalJson.Default.FleetJournalEntry);
        _file.Write(line);
        _file.WriteByte((byte)'\n');
        _file.Flush(flushToDisk: true);
    }

    private void EndTornLine()
    {
        // A line torn by a crash has no newline: start the next entry on a line of its own.
        using var reader = new FileStream(_file.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (reader.Length > 0)
        {
            reader.Seek(-1, SeekOrigin.End);
            if (reader.ReadByte() != '\n')
            {
                _file.WriteByte((byte)'\n');
                _file.Flush(flushToDisk: true);
            }
        }
    }

    private static void Read(string path, string fingerprint, Dictionary<ClusterId, FleetJournalState> states)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Journal '{path}' cannot be read: {e.Message}", "options", e);
        }

        var first = true;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                continue;
            }

            FleetJournalEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize(line, FleetJournalJson.Default.FleetJournalEntry);
            }
            catch (JsonException)
            {
                entry = null; // a line torn by a crash
            }

            if (first)
            {
                if (entry is not { Type: FleetJournalEntry.Run } header)
                {
                    throw new ArgumentException($"'{path}' is not a fleet journal (its first line is not a run header).", "options");
                }

                if (header.Fingerprint != fingerprint)
                {
                    throw new ArgumentException($"Journal '{path}' belongs to another command or context (fingerprint {header.Fingerprint?[..12]}..., this run is {fingerprint[..12]}...): use a new journal path for a new command.", "options");
                }

                first = false;
                continue;
            }

            if (entry?.Cluster is null || !ClusterId.TryParse(entry.Cluster, out var cluster))
            {
                continue;
            }

            var state = states.GetValueOrDefault(cluster) ?? new FleetJournalState();
            states[cluster] = entry.Type switch
            {
                FleetJournalEntry.Intent => state with { Attempted = true },
                FleetJournalEntry.Accepted => state with { Attempted = true, CommandId = entry.CommandId },
                FleetJournalEntry.Refused => state with { Attempted = true, Refusal = entry.Error ?? "refused" },
                FleetJournalEntry.Finished => state with { Finished = entry },
                FleetJournalEntry.NotSent => state with { Attempted = state.CommandId is not null },
                _ => state,
            };
        }
    }
}
