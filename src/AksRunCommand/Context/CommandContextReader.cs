using System.IO.Compression;

namespace AksRunCommand;

/// <summary>
/// Lists and extracts a command context with the builder's rules, treating it as untrusted: every entry is
/// checked (names, duplicates, a name that is both a file and a folder, links, count and size limits) before
/// anything is written, extraction never follows a link already in the target folder, and a failure part-way
/// leaves the target as it was.
/// </summary>
public static class CommandContextReader
{
    private const int UnixFileTypeMask = 0xF000;
    private const int UnixSymbolicLink = 0xA000;

    /// <summary>The entries of a context.</summary>
    /// <exception cref="ArgumentException">Not base64, not a zip, or an entry breaks a rule or a limit.</exception>
    public static IReadOnlyList<CommandContextEntry> ListEntries(string base64) => ListEntries(base64, nameof(base64));

    /// <summary>Every file of a context with its bytes, in ordinal name order.</summary>
    /// <exception cref="ArgumentException">Not base64, not a zip, or an entry breaks a rule or a limit.</exception>
    public static IReadOnlyList<KeyValuePair<string, byte[]>> ReadFiles(string base64, CommandContextReaderOptions? options = null)
    {
        options ??= new CommandContextReaderOptions();
        using var archive = Open(base64, nameof(base64));
        var budget = new ByteBudget(options.MaxTotalBytes);
        var files = new List<KeyValuePair<string, byte[]>>();
        foreach (var (name, entry) in CheckedEntries(archive, options, nameof(base64)))
        {
            using var copy = new MemoryStream();
            CopyEntry(entry, name, copy, budget);
            files.Add(new(name, copy.ToArray()));
        }

        return files;
    }

    /// <summary>
    /// Extracts a context into <paramref name="directory"/> (created if missing). Nothing is written unless
    /// every entry can be: a rule broken, a limit passed, a file already there or a symbolic link on the way
    /// fails before the first write, and a failure while writing removes what was written.
    /// </summary>
    /// <exception cref="ArgumentException">Not base64, not a zip, or an entry breaks a rule or a limit; the message names the entry.</exception>
    /// <exception cref="IOException">A file of that name already exists in <paramref name="directory"/>, or the way to it passes a symbolic link.</exception>
    public static void ExtractToDirectory(string base64, string directory, CommandContextReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new CommandContextReaderOptions();
        using var archive = Open(base64, nameof(base64));
        var entries = CheckedEntries(archive, options, nameof(base64));
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var targets = entries.Select(e => (e.Name, e.Entry, Path: Path.Combine(root, e.Name.Replace('/', Path.DirectorySeparatorChar)))).ToList();
        foreach (var (name, _, path) in targets)
        {
            CheckTarget(root, name, path);
        }

        var rootExisted = Directory.Exists(root);
        Directory.CreateDirectory(root);
        var staging = Path.Combine(root, ".aks-run-context-" + Guid.NewGuid().ToString("N"));
        var createdFolders = new List<string>();
        var moved = new List<string>();
        try
        {
            Directory.CreateDirectory(staging);
            var budget = new ByteBudget(options.MaxTotalBytes);
            for (var i = 0; i < targets.Count; i++)
            {
                using var file = new FileStream(Path.Combine(staging, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), FileMode.CreateNew, FileAccess.Write);
                CopyEntry(targets[i].Entry, targets[i].Name, file, budget);
            }

            for (var i = 0; i < targets.Count; i++)
            {
                var (name, _, path) = targets[i];
                CheckTarget(root, name, path); // again, just before the move: the folder may have changed since
                CreateFolders(root, Path.GetDirectoryName(path)!, createdFolders);
                File.Move(Path.Combine(staging, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), path, overwrite: false);
                moved.Add(path);
            }
        }
        catch
        {
            foreach (var path in moved)
            {
                File.Delete(path);
            }

            foreach (var folder in Enumerable.Reverse(createdFolders))
            {
                Directory.Delete(folder);
            }

            if (!rootExisted && Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any(e => e != staging))
            {
                Directory.Delete(root, recursive: true);
            }

            throw;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    internal static IReadOnlyList<CommandContextEntry> ListEntries(string base64, string paramName)
    {
        using var archive = Open(base64, paramName);
        return CheckedEntries(archive, new CommandContextReaderOptions(), paramName).Select(e => new CommandContextEntry(e.Name, e.Entry.Length, e.Entry.CompressedLength)).ToList();
    }

    private static List<(string Name, ZipArchiveEntry Entry)> CheckedEntries(ZipArchive archive, CommandContextReaderOptions options, string paramName)
    {
        var files = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        var folders = new HashSet<string>(StringComparer.Ordinal);
        long declared = 0;
        foreach (var entry in Entries(archive, paramName))
        {
            if ((entry.ExternalAttributes >> 16 & UnixFileTypeMask) == UnixSymbolicLink)
            {
                throw new ArgumentException($"Context entry '{entry.FullName}' is a symbolic link; a context holds files only.", paramName);
            }

            if (entry.FullName.EndsWith('/') && entry.Length == 0)
            {
                folders.Add(ContextEntryName.Normalize(entry.FullName.TrimEnd('/'), paramName)); // folders come from the file names
                continue;
            }

            var name = ContextEntryName.Normalize(entry.FullName, paramName);
            if (!files.TryAdd(name, entry))
            {
                throw new ArgumentException($"Context entry name '{name}' appears twice in the zip; names must be unique.", paramName);
            }

            if (files.Count > options.MaxEntries)
            {
                throw new ArgumentException($"The context holds more than {options.MaxEntries:N0} files (CommandContextReaderOptions.MaxEntries).", paramName);
            }

            declared += entry.Length;
            if (declared > options.MaxTotalBytes)
            {
                throw new ArgumentException($"The context's files hold more than {options.MaxTotalBytes:N0} bytes once decompressed (CommandContextReaderOptions.MaxTotalBytes).", paramName);
            }

            folders.UnionWith(ContextEntryName.Folders(name));
        }

        if (files.Keys.FirstOrDefault(folders.Contains) is { } both)
        {
            throw new ArgumentException($"Context entry name '{both}' is both a file and a folder of other entries; no file system can hold both.", paramName);
        }

        var result = files.Select(f => (f.Key, f.Value)).ToList();
        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    // The central directory is read on first use, not when the archive is opened: damage there shows only now.
    private static System.Collections.ObjectModel.ReadOnlyCollection<ZipArchiveEntry> Entries(ZipArchive archive, string paramName)
    {
        try
        {
            return archive.Entries;
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"The context's zip directory is damaged: {e.Message}", paramName, e);
        }
    }

    // Counts what is really decompressed: a zip's declared sizes are the sender's word, not a limit.
    private static void CopyEntry(ZipArchiveEntry entry, string name, Stream target, ByteBudget budget)
    {
        try
        {
            CopyCounted(entry, name, target, budget);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"Context entry '{name}' cannot be decompressed: {e.Message}", "base64", e);
        }
    }

    private static void CopyCounted(ZipArchiveEntry entry, string name, Stream target, ByteBudget budget)
    {
        using var source = entry.Open();
        var buffer = new byte[81920];
        long written = 0;
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            written += read;
            if (written > entry.Length)
            {
                throw new ArgumentException($"Context entry '{name}' decompresses to more than the {entry.Length:N0} bytes the zip declares for it.", "base64");
            }

            budget.Spend(read, name);
            target.Write(buffer, 0, read);
        }
    }

    private static void CheckTarget(string root, string name, string path)
    {
        var relative = Path.GetRelativePath(root, path);
        var current = root;
        var parts = relative.Split(Path.DirectorySeparatorChar);
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                throw new IOException($"Context entry '{name}' would be written through the symbolic link '{current}' in the target folder; extraction never follows links.");
            }

            var last = i == parts.Length - 1;
            if (last && (info.Exists || Directory.Exists(current)))
            {
                throw new IOException($"Context entry '{name}' would overwrite '{current}', which already exists; nothing was written.");
            }

            if (!last && info.Exists)
            {
                throw new IOException($"Context entry '{name}' needs '{current}' as a folder, but it is a file; nothing was written.");
            }
        }
    }

    private static void CreateFolders(string root, string folder, List<string> created)
    {
        if (folder == root || Directory.Exists(folder))
        {
            return;
        }

        CreateFolders(root, Path.GetDirectoryName(folder)!, created);
        Directory.CreateDirectory(folder);
        created.Add(folder);
    }

    private static ZipArchive Open(string base64, string paramName)
    {
        ArgumentNullException.ThrowIfNull(base64, paramName);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The context is not valid base64.", paramName, e);
        }

        try
        {
            return new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"The context is base64 but not a zip file: {e.Message}", paramName, e);
        }
    }

    private sealed class ByteBudget(long limit)
    {
        private long _spent;

        public void Spend(long bytes, string name)
        {
            _spent += bytes;
            if (_spent > limit)
            {
                throw new ArgumentException($"The context's files hold more than {limit:N0} bytes once decompressed (CommandContextReaderOptions.MaxTotalBytes), at entry '{name}'.", "base64");
            }
        }
    }
}
