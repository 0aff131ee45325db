using System.IO.Compression;

namespace AksRunCommand;

// Writes the entries as one deterministic zip: ordinal name order (the caller's sorted dictionary), the
// same timestamp and a fixed mode for every entry, so the same inputs give byte-identical output.
internal static class ContextZipWriter
{
    // The earliest time a zip can hold; the same for every entry so timestamps on disk do not matter.
    private static readonly DateTimeOffset FixedTimestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int UnixRegularFile = 0x8000; // S_IFREG
    private const long HardCompressedCap = 64L * 1024 * 1024;

    public static CommandContext Write(SortedDictionary<string, ContextSource> entries, CommandContextOptions options)
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, source) in entries)
            {
                var entry = archive.CreateEntry(name, options.CompressionLevel);
                entry.LastWriteTime = FixedTimestamp;
                entry.ExternalAttributes = (UnixRegularFile | source.Mode(name)) << 16;
                using (var target = entry.Open())
                {
                    source.CopyTo(target, name);
                }

                if (zip.Length > HardCompressedCap)
                {
                    throw TooLarge(entries, options, zip.Length, exact: false);
                }
            }
        }

        if (EncodedLength(zip.Length) > options.MaxEncodedLength)
        {
            throw TooLarge(entries, options, zip.Length, exact: true);
        }

        // Sizes are known only once written; reading the central directory back costs no decompression.
        using var written = new ZipArchive(new MemoryStream(zip.GetBuffer(), 0, (int)zip.Length, writable: false), ZipArchiveMode.Read);
        var listed = written.Entries.Select(e => new CommandContextEntry(e.FullName, e.Length, e.CompressedLength)).ToList();
        return new CommandContext(Convert.ToBase64String(zip.GetBuffer(), 0, (int)zip.Length), listed);
    }

    private static long EncodedLength(long bytes) => ((bytes + 2) / 3) * 4;

    private static ArgumentException TooLarge(SortedDictionary<string, ContextSource> entries, CommandContextOptions options, long compressed, bool exact)
    {
        var size = exact
            ? $"{EncodedLength(compressed):N0} base64 characters"
            : $"more than {EncodedLength(compressed):N0} base64 characters (stopped building)";
        return SizeLimitError.Context(size, options.MaxEncodedLength, entries.Select(e => (e.Key, e.Value.Length)));
    }
}
