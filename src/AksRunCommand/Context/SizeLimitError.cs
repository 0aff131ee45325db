using System.Globalization;

namespace AksRunCommand;

// One wording for both size limits (the context while it is built, the whole request before it is sent):
// what is too large, by how much, which option sets the limit, and what the service would have answered.
internal static class SizeLimitError
{
    private const string ServiceAnswer = "the service answers too large a request with HTTP 413";

    public static ArgumentException Context(string size, int limit, IEnumerable<(string Name, long Length)> entries)
    {
        var largest = entries
            .OrderByDescending(e => e.Length)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(e => $"{e.Name} ({FormatBytes(e.Length)})");
        return new ArgumentException(
            $"The context is {size}, over the limit of {limit:N0} (CommandContextOptions.MaxEncodedLength); {ServiceAnswer}. Largest entries: {string.Join(", ", largest)}.",
            "context");
    }

    public static ArgumentException Request(long bytes, int limit, int contextCharacters) => new(
        $"The run request is {bytes:N0} bytes, over the limit of {limit:N0} bytes (AksRunCommandClientOptions.MaxRequestBytes); its context is {contextCharacters:N0} base64 characters. Attach fewer or smaller files: {ServiceAnswer}.",
        "content");

    private static string FormatBytes(long bytes) => bytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MiB")
        : bytes >= 1024 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB") : $"{bytes} bytes";
}
