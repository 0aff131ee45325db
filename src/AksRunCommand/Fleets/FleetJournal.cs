using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AksRunCommand.Fleets;

/// <summary>
/// The durable memory of a fleet run (DESIGN.md section 10): an append-only JSON Lines file, held exclusively
/// while the run lasts, each line on disk before the step it announces. Read back, it gives each cluster's
/// <see cref="ClusterHistory"/>. A torn last line (the process died while writing it) is ignored: an intent is
/// written before its request, so a torn intent means nothing was sent.
/// </summary>
internal sealed class FleetJournal : IDisposable
{
    /// <summary>Version 2: numbered attempts, accepted without an id, final or retryable refusals. Version 1 is still read.</summary>
    public const int FormatVersion = 2;

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly FileStream _file;
    private readonly string _path;

    private FleetJournal(FileStream file, string path, Dictionary<ClusterId, ClusterHistory> clusters)
    {
        _file = file;
        _path = path;
        Clusters = clusters;
    }

    /// <summary>What earlier runs left, per cluster.</summary>
    public IReadOnlyDictionary<ClusterId, ClusterHistory> Clusters { get; }

    /// <summary>The fingerprint of a command and its context: a journal belongs to one command.</summary>
    public static string Fingerprint(RunCommandContent content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content.Command + "\0" + (content.Context?.Base64 ?? string.Empty))));

    /// <summary>
    /// Opens (or creates) the journal and holds it exclusively until disposed. Everything that can refuse it
    /// (another run holds it, another command wrote it, it cannot be read) happens here, before any request.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another run (in this or another process) holds the journal.</exception>
    /// <exception cref="ArgumentException">The journal belongs to another command or context, or is not a fleet journal, or cannot be opened.</exception>
    public static FleetJournal Open(string path, RunCommandContent content)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var created = !File.Exists(full);
        FileStream file;
        try
        {
            Directory.CreateDirectory(folder);

            // FileShare.None takes an exclusive lock (flock on Linux and macOS): a second run on the same journal, in
            // this process or another, fails here.
            file = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(full) && e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            throw new InvalidOperationException($"Journal '{full}' is held by another fleet run (another process, or another run in this one, has it open); nothing was sent. Wait for that run to end, or give this one another journal.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Journal '{full}' cannot be opened for writing: {e.Message}", "options", e);
        }

        try
        {
            var fingerprint = Fingerprint(content);
            var clusters = new Dictionary<ClusterId, ClusterHistory>();
            var length = file.Length;
            if (length > 0)
            {
                var bytes = new byte[length];
                file.ReadExactly(bytes);
                Read(full, bytes, fingerprint, clusters);
            }

            var journal = new FleetJournal(file, full, clusters);
            if (length == 0)
            {
                journal.Append(new FleetJournalEntry(FleetJournalEntry.Run, Fingerprint: fingerprint, Version: FormatVersion));
                if (created)
                {
                    JournalDirectory.Sync(folder); // the new file's name is on disk too, not only its content
                }
            }
            else if (file.Seek(-1, SeekOrigin.End) >= 0 && file.ReadByte() != '\n')
            {
                // A line torn by a crash has no newline: the next entry starts on a line of its own.
                file.WriteByte((byte)'\n');
                file.Flush(flushToDisk: true);
            }

            return journal;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads a journal without holding or changing it (what a rerun would know), for reports and tests.</summary>
    /// <exception cref="ArgumentException">The journal belongs to another command or context, or is not a fleet journal.</exception>
    public static IReadOnlyDictionary<ClusterId, ClusterHistory> ReadOnly(string path, RunCommandContent content)
    {
        var full = Path.GetFullPath(path);
        var clusters = new Dictionary<ClusterId, ClusterHistory>();
        var bytes = File.ReadAllBytes(full);
        if (bytes.Length > 0)
        {
            Read(full, bytes, Fingerprint(content), clusters);
        }

        return clusters;
    }

    /// <summary>The writer of one cluster's run requests, numbering them after the ones already recorded.</summary>
    public ClusterJournal For(ClusterId cluster) =>
        new(this, cluster, Clusters.GetValueOrDefault(cluster)?.LastAttempt ?? 0);

    public Task FinishedAsync(FleetOutcome outcome) => AppendAsync(new FleetJournalEntry(
        FleetJournalEntry.Finished, outcome.Cluster.ResourceId, CommandId: outcome.CommandId, Kind: outcome.Kind.ToString(), State: outcome.ProvisioningState, ExitCode: outcome.ExitCode, Error: outcome.ErrorLine));

    public Task WaveAsync(int wave, IEnumerable<ClusterId> clusters) =>
        AppendAsync(new FleetJournalEntry(FleetJournalEntry.WaveStarted, Wave: wave, Clusters: [.. clusters.Select(c => c.ResourceId)]));

    public Task StoppedAsync(string reason) => AppendAsync(new FleetJournalEntry(FleetJournalEntry.Stopped, Error: reason));

    public void Dispose()
    {
        _file.Dispose();
        _write.Dispose();
    }

    internal Task AppendAsync(FleetJournalEntry entry) => AppendAsync(entry, CancellationToken.None);

    // Not cancellable: a line the run owes is written even while the run is being cancelled.
    private async Task AppendAsync(FleetJournalEntry entry, CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
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
        ObjectDisposedException.ThrowIf(!_file.CanWrite, _path);
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, FleetJournalJson.Default.FleetJournalEntry);
        _file.Write(line);
        _file.WriteByte((byte)'\n');
        _file.Flush(flushToDisk: true);
    }

    private static void Read(string path, byte[] bytes, string fingerprint, Dictionary<ClusterId, ClusterHistory> clusters)
    {
        var first = true;
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
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
                    throw new ArgumentException($"'{path}' is not a fleet journal (its first line is not a run header); nothing was sent.", "options");
                }

                if (header.Version > FormatVersion)
                {
                    throw new ArgumentException($"Journal '{path}' was written by a newer version (format {header.Version}; this one reads up to {FormatVersion}); nothing was sent.", "options");
                }

                if (header.Fingerprint != fingerprint)
                {
                    throw new ArgumentException($"Journal '{path}' belongs to another command or context (fingerprint {Short(header.Fingerprint)}..., this run is {fingerprint[..12]}...): use a new journal path for a new command; nothing was sent.", "options");
                }

                first = false;
                continue;
            }

            if (entry?.Cluster is null || !ClusterId.TryParse(entry.Cluster, out var cluster))
            {
                continue;
            }

            if (!clusters.TryGetValue(cluster, out var history))
            {
                clusters[cluster] = history = new ClusterHistory();
            }

            history.Apply(entry);
        }
    }

    private static string Short(string? fingerprint) => fingerprint is { Length: >= 12 } f ? f[..12] : fingerprint ?? "none";
}
