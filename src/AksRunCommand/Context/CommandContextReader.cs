using System.IO.Compression;

namespace AksRunCommand;

/// <summary>
/// Lists and extracts a command context, applying the same name rules as the builder, so a hostile
/// context (<c>../evil</c>, <c>/etc/passwd</c>, <c>C:\x</c>) cannot write outside the target folder.
/// </summary>
public static class CommandContextReader
{
    /// <summary>The entries of a context.</summary>
    /// <exception cref="ArgumentException">Not base64, not a zip, or an entry name breaks a rule.</exception>
    public static IReadOnlyList<CommandContextEntry> ListEntries(string base64) => ListEntries(base64, nameof(base64));

    /// <summary>Every file of a context with its bytes, in ordinal name order.</summary>
    /// <exception cref="ArgumentException">Not base64, not a zip, or an entry name breaks a rule.</exception>
    public static IReadOnlyList<KeyValuePair<string, byte[]>> ReadFiles(string base64)
    {
        using var archive = Open(base64, nameof(base64));
        var files = new List<KeyValuePair<string, byte[]>>();
        foreach (var (name, entry) in CheckedEntries(archive, nameof(base64)))
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files.Add(new(name, copy.ToArray()));
        }

        return files;
    }

    /// <summary>Extracts a context into <paramref name="directory"/> (created if missing); nothing is written when a name breaks a rule.</summary>
    /// <exception cref="ArgumentException">Not base64, not a zip, or an entry name breaks a rule; the message names the entry.</exception>
    /// <exception cref="IOException">A file of that name already exists in <paramref name="directory"/>.</exception>
    public static void ExtractToDirectory(string base64, string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        using var archive = Open(base64, nameof(base64));
        var entries = CheckedEntries(archive, nameof(base64)); // every name is checked before the first write
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        foreach (var (name, entry) in entries)
        {
            var target = Path.GetFullPath(Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar)));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var source = entry.Open();
            using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            source.CopyTo(file);
        }
    }

    internal static IReadOnlyList<CommandContextEntry> ListEntries(string base64, string paramName)
    {
        using var archive = Open(base64, paramName);
        return CheckedEntries(archive, paramName).Select(e => new CommandContextEntry(e.Name, e.Entry.Length, e.Entry.CompressedLength)).ToList();
    }

    private static List<(string Name, ZipArchiveEntry Entry)> CheckedEntries(ZipArchive archive, string paramName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, ZipArchiveEntry)>();
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName.EndsWith('/') && entry.Length == 0)
            {
                continue; // a folder entry: folders come from the file names
            }

            var name = ContextEntryName.Normalize(entry.FullName, paramName);
            if (!seen.Add(name))
            {
                throw new ArgumentException($"Context entry name '{name}' appears twice in the zip; names must be unique.", paramName);
            }

            result.Add((name, entry));
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return result;
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
}
