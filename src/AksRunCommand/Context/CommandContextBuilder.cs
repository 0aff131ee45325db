using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.FileSystemGlobbing;

namespace AksRunCommand;

/// <summary>
/// Builds a <see cref="CommandContext"/>: files, folders and in-memory content, checked by the entry-name
/// rules as they are added, zipped in ordinal name order with fixed timestamps, so the same inputs give
/// byte-identical base64 whatever the order they were added in.
/// </summary>
public sealed class CommandContextBuilder
{
    // The earliest time a zip can hold; the same for every entry so timestamps on disk do not matter.
    private static readonly DateTimeOffset FixedTimestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private const int UnixRegularFile = 0x8000; // S_IFREG
    private const long HardCompressedCap = 64L * 1024 * 1024;

    private readonly SortedDictionary<string, Source> _entries = new(StringComparer.Ordinal);
    private readonly CommandContextOptions _options;

    /// <summary>Creates an empty builder.</summary>
    public CommandContextBuilder(CommandContextOptions? options = null)
    {
        _options = options ?? new CommandContextOptions();
    }

    /// <summary>The names added so far, in ordinal order.</summary>
    public IReadOnlyCollection<string> Names => _entries.Keys;

    /// <summary>
    /// The Azure CLI's <c>--file</c> semantics: <c>.</c> attaches <paramref name="workingDirectory"/>
    /// recursively with relative paths; a file is attached flat under its own name; a folder is attached
    /// recursively under its own name. Mixing <c>.</c> with other paths is an error.
    /// </summary>
    /// <exception cref="ArgumentException">Mixed <c>.</c>, a missing path, a duplicate name, or a rule broken.</exception>
    public static CommandContextBuilder FromCliPaths(IEnumerable<string> paths, string? workingDirectory = null, CommandContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var list = paths.ToList();
        var cwd = Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory());
        var builder = new CommandContextBuilder(options);
        if (list.Contains("."))
        {
            if (list.Count > 1)
            {
                throw new ArgumentException($"'.' attaches the whole current folder and cannot be combined with other files ({string.Join(", ", list.Where(p => p != "."))}).", nameof(paths));
            }

            return builder.AddDirectory(cwd);
        }

        foreach (var path in list)
        {
            var full = Path.GetFullPath(path, cwd);
            if (Directory.Exists(full))
            {
                builder.AddDirectory(full, Path.GetFileName(Path.TrimEndingDirectorySeparator(full)));
            }
            else
            {
                builder.AddFile(full);
            }
        }

        return builder;
    }

    /// <summary>Adds a file, flat under its own name or under <paramref name="entryName"/>. A symbolic link is stored as its target's bytes.</summary>
    /// <exception cref="ArgumentException">The file does not exist, the name breaks a rule, or it is already taken.</exception>
    public CommandContextBuilder AddFile(string path, string? entryName = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ArgumentException(Directory.Exists(full)
                ? $"'{path}' is a folder: use AddDirectory to attach a folder."
                : $"File '{path}' does not exist.", nameof(path));
        }

        return Add(entryName ?? Path.GetFileName(full), new Source(full, null), entryName is null ? nameof(path) : nameof(entryName));
    }

    /// <summary>
    /// Adds a folder recursively, keeping relative paths, optionally under <paramref name="prefix"/> and
    /// filtered by glob patterns (<c>**/*.yaml</c>; default: everything). Symbolic links that stay inside the
    /// folder are followed; one that leads outside, or a loop, is an error.
    /// </summary>
    /// <exception cref="ArgumentException">The folder does not exist, a link leads outside, or a name breaks a rule or is taken.</exception>
    public CommandContextBuilder AddDirectory(string path, string? prefix = null, IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!Directory.Exists(root))
        {
            throw new ArgumentException($"Folder '{path}' does not exist.", nameof(path));
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        var includes = include?.ToList() is { Count: > 0 } inc ? inc : ["**/*"];
        matcher.AddIncludePatterns(includes);
        if (exclude is not null)
        {
            matcher.AddExcludePatterns(exclude);
        }

        var prefixName = string.IsNullOrEmpty(prefix) ? null : ContextEntryName.Normalize(prefix, nameof(prefix));
        var found = new List<(string Relative, string File)>();
        Walk(root, root, string.Empty, new HashSet<string>(StringComparer.Ordinal) { root }, found);
        foreach (var (relative, file) in found)
        {
            if (matcher.Match(relative).HasMatches)
            {
                Add(prefixName is null ? relative : $"{prefixName}/{relative}", new Source(file, null), nameof(path));
            }
        }

        return this;
    }

    /// <summary>Adds text, encoded as UTF-8 without a byte order mark.</summary>
    public CommandContextBuilder AddText(string entryName, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Add(entryName, new Source(null, Utf8NoBom.GetBytes(text)), nameof(entryName));
    }

    /// <summary>Adds bytes, exactly.</summary>
    public CommandContextBuilder AddBytes(string entryName, ReadOnlySpan<byte> content) =>
        Add(entryName, new Source(null, content.ToArray()), nameof(entryName));

    /// <summary>Adds what a stream holds from its position to its end, read now.</summary>
    public CommandContextBuilder AddStream(string entryName, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return Add(entryName, new Source(null, copy.ToArray()), nameof(entryName));
    }

    /// <summary>Zips everything added, reading each file once, and checks the size limit.</summary>
    /// <exception cref="ArgumentException">A file cannot be read, or the context is over <see cref="CommandContextOptions.MaxEncodedLength"/>.</exception>
    public CommandContext Build()
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, source) in _entries)
            {
                var entry = archive.CreateEntry(name, _options.CompressionLevel);
                entry.LastWriteTime = FixedTimestamp;
                entry.ExternalAttributes = (UnixRegularFile | source.Mode(name)) << 16;
                using (var target = entry.Open())
                {
                    source.CopyTo(target, name);
                }

                if (zip.Length > HardCompressedCap)
                {
                    throw TooLarge(zip.Length, exact: false);
                }
            }
        }

        var encodedLength = ((zip.Length + 2) / 3) * 4;
        if (encodedLength > _options.MaxEncodedLength)
        {
            throw TooLarge(zip.Length, exact: true);
        }

        // Sizes are known only once written; reading the central directory back costs no decompression.
        using var written = new ZipArchive(new MemoryStream(zip.GetBuffer(), 0, (int)zip.Length, writable: false), ZipArchiveMode.Read);
        var entries = written.Entries.Select(e => new CommandContextEntry(e.FullName, e.Length, e.CompressedLength)).ToList();
        return new CommandContext(Convert.ToBase64String(zip.GetBuffer(), 0, (int)zip.Length), entries);
    }

    private CommandContextBuilder Add(string name, Source source, string paramName)
    {
        var normalized = ContextEntryName.Normalize(name, paramName);
        if (!_entries.TryAdd(normalized, source))
        {
            throw new ArgumentException($"Context entry name '{normalized}' is added twice (from {source.Describe()} and {_entries[normalized].Describe()}); names must be unique.", paramName);
        }

        return this;
    }

    private static void Walk(string root, string directory, string relative, HashSet<string> visited, List<(string, string)> found)
    {
        IEnumerable<FileSystemInfo> children;
        try
        {
            children = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ArgumentException($"Folder '{directory}' cannot be read: {e.Message}", "path", e);
        }

        foreach (var child in children)
        {
            var childRelative = relative.Length == 0 ? child.Name : $"{relative}/{child.Name}";
            var target = child.LinkTarget is null ? child : ResolveInside(root, child, childRelative);
            if (target is DirectoryInfo dir)
            {
                var real = Path.TrimEndingDirectorySeparator(dir.FullName);
                if (!visited.Add(real))
                {
                    throw new ArgumentException($"Symbolic link '{childRelative}' in '{root}' forms a loop (it leads back to '{real}').", "path");
                }

                Walk(root, real, childRelative, visited, found);
                visited.Remove(real);
            }
            else if (target is FileInfo)
            {
                found.Add((childRelative, target.FullName));
            }
        }
    }

    private static FileSystemInfo ResolveInside(string root, FileSystemInfo link, string relative)
    {
        FileSystemInfo? target;
        try
        {
            target = link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"Symbolic link '{relative}' in '{root}' cannot be resolved (a loop or too many levels): {e.Message}", "path", e);
        }

        if (target is null || !target.Exists)
        {
            throw new ArgumentException($"Symbolic link '{relative}' in '{root}' points at '{link.LinkTarget}', which does not exist.", "path");
        }

        var full = Path.GetFullPath(target.FullName);
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && full != root)
        {
            throw new ArgumentException($"Symbolic link '{relative}' in '{root}' leads outside the attached folder (to '{full}'); only links inside it are followed.", "path");
        }

        return Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
    }

    private ArgumentException TooLarge(long compressed, bool exact)
    {
        var largest = _entries
            .Select(e => (Name: e.Key, Length: e.Value.Length))
            .OrderByDescending(e => e.Length)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(e => $"{e.Name} ({FormatBytes(e.Length)})");
        var size = exact
            ? $"{((compressed + 2) / 3) * 4:N0} base64 characters"
            : $"more than {((compressed + 2) / 3) * 4:N0} base64 characters (stopped building)";
        return new ArgumentException(
            $"The context is {size}, over the limit of {_options.MaxEncodedLength:N0} (CommandContextOptions.MaxEncodedLength); the service answers too large a request with HTTP 413. Largest entries: {string.Join(", ", largest)}.",
            "context");
    }

    private static string FormatBytes(long bytes) => bytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MiB")
        : bytes >= 1024 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB") : $"{bytes} bytes";

    private sealed record Source(string? Path, byte[]? Bytes)
    {
        public long Length => Bytes?.LongLength ?? (File.Exists(Path) ? new FileInfo(Path).Length : 0);

        public string Describe() => Path is null ? "memory" : $"'{Path}'";

        // 0755 for executables, 0644 otherwise: scripts stay runnable, and nothing else of the machine leaks in.
        public int Mode(string name)
        {
            if (Path is null || OperatingSystem.IsWindows())
            {
                return Convert.ToInt32("644", 8);
            }

            try
            {
                return (File.GetUnixFileMode(Path) & UnixFileMode.UserExecute) != 0 ? Convert.ToInt32("755", 8) : Convert.ToInt32("644", 8);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unreadable(name, e);
            }
        }

        public void CopyTo(Stream target, string name)
        {
            if (Bytes is not null)
            {
                target.Write(Bytes);
                return;
            }

            try
            {
                using var file = new FileStream(Path!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, FileOptions.SequentialScan);
                file.CopyTo(target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unreadable(name, e);
            }
        }

        private ArgumentException Unreadable(string name, Exception e) =>
            new($"File '{Path}' (context entry '{name}') cannot be read: {e.Message}", "path", e);
    }
}
