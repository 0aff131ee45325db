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
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly SortedDictionary<string, ContextSource> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);
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
    public static CommandContextBuilder FromCliPaths(IEnumerable<string> paths, string? workingDirectory = null, CommandContextOptions? options = null) =>
        AzureCliFileArguments.Attach(new CommandContextBuilder(options), paths, workingDirectory);

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

        FileKind.EnsureRegular(full, path, nameof(path));
        return Add(entryName ?? Path.GetFileName(full), ContextSource.FromFile(full), entryName is null ? nameof(path) : nameof(entryName));
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
        foreach (var (relative, file) in ContextFolderWalk.Files(root))
        {
            if (matcher.Match(relative).HasMatches)
            {
                Add(prefixName is null ? relative : $"{prefixName}/{relative}", ContextSource.FromFile(file), nameof(path));
            }
        }

        return this;
    }

    /// <summary>Adds text, encoded as UTF-8 without a byte order mark.</summary>
    public CommandContextBuilder AddText(string entryName, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Add(entryName, ContextSource.FromBytes(Utf8NoBom.GetBytes(text)), nameof(entryName));
    }

    /// <summary>Adds bytes, exactly.</summary>
    public CommandContextBuilder AddBytes(string entryName, ReadOnlySpan<byte> content) =>
        Add(entryName, ContextSource.FromBytes(content.ToArray()), nameof(entryName));

    /// <summary>Adds what a stream holds from its position to its end, read now.</summary>
    public CommandContextBuilder AddStream(string entryName, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return Add(entryName, ContextSource.FromBytes(copy.ToArray()), nameof(entryName));
    }

    /// <summary>Zips everything added, reading each file once, and checks the size limit.</summary>
    /// <exception cref="ArgumentException">A file cannot be read, or the context is over <see cref="CommandContextOptions.MaxEncodedLength"/>.</exception>
    public CommandContext Build() => ContextZipWriter.Write(_entries, _options);

    private CommandContextBuilder Add(string name, ContextSource source, string paramName)
    {
        var normalized = ContextEntryName.Normalize(name, paramName);
        if (_entries.TryGetValue(normalized, out var taken))
        {
            throw new ArgumentException($"Context entry name '{normalized}' is added twice (from {source.Describe()} and {taken.Describe()}); names must be unique.", paramName);
        }

        if (_folders.Contains(normalized))
        {
            throw new ArgumentException($"Context entry name '{normalized}' (from {source.Describe()}) is already a folder of other entries; a name cannot be both a file and a folder.", paramName);
        }

        var folders = ContextEntryName.Folders(normalized).ToList();
        if (folders.FirstOrDefault(_entries.ContainsKey) is { } file)
        {
            throw new ArgumentException($"Context entry name '{normalized}' (from {source.Describe()}) needs '{file}' as a folder, but '{file}' is already a file (from {_entries[file].Describe()}); a name cannot be both a file and a folder.", paramName);
        }

        _entries.Add(normalized, source);
        _folders.UnionWith(folders);
        return this;
    }
}
