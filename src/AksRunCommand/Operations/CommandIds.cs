namespace AksRunCommand.Operations;

// A command id is one URL path segment of visible ASCII: what the service issues (32 hex digits) and nothing
// a path could be steered with ('/', '?', '#', '\', '%') or a header could be split with (controls, spaces).
internal static class CommandIds
{
    public const int MaxLength = 256;

    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => c is > ' ' and < '\u007f' and not ('/' or '?' or '#' or '\\' or '%'));

    public static string Validate(string? id, string paramName)
    {
        ArgumentNullException.ThrowIfNull(id, paramName);
        return IsValid(id)
            ? id
            : throw new ArgumentException(
                $"{paramName} '{Printable(id)}' is invalid: it must be the id of a command as RunCommandOperation.Id gives it, 1 to {MaxLength} visible ASCII characters forming one URL path segment (no '/', '?', '#', '\\', '%', space or control character).",
                paramName);
    }

    private static string Printable(string id)
    {
        var shown = id.Length > 80 ? id[..80] + "..." : id;
        return string.Concat(shown.Select(c => char.IsControl(c) || c > '\u007e' ? $"\\u{(int)c:X4}" : c.ToString()));
    }
}
