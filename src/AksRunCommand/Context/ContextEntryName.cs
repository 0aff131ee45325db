namespace AksRunCommand;

// The rule every entry name follows, when building and when reading: relative, '/'-separated, normalised,
// no '..', no leading '/', no drive letter, no empty segment, no control characters.
internal static class ContextEntryName
{
    public static string Normalize(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (name.Length == 0)
        {
            throw Invalid(name, paramName, "it is empty");
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                throw Invalid(name, paramName, $"it contains the control character U+{(int)c:X4} (NUL and control characters are not allowed)");
            }
        }

        var slashed = name.Replace('\\', '/');
        if (slashed.StartsWith('/'))
        {
            throw Invalid(name, paramName, "it is absolute (starts with '/'); names are relative to the command's working folder");
        }

        if (slashed.Length >= 2 && slashed[1] == ':' && char.IsAsciiLetter(slashed[0]))
        {
            throw Invalid(name, paramName, "it starts with a drive letter; names are relative to the command's working folder");
        }

        var segments = slashed.Split('/');
        var kept = new List<string>(segments.Length);
        foreach (var segment in segments)
        {
            switch (segment)
            {
                case "":
                    throw Invalid(name, paramName, "it has an empty segment ('//' or a trailing '/')");
                case "..":
                    throw Invalid(name, paramName, "it contains '..', which would lead outside the working folder");
                case ".":
                    continue;
                default:
                    kept.Add(segment);
                    break;
            }
        }

        return kept.Count > 0 ? string.Join('/', kept) : throw Invalid(name, paramName, "it names no file (only '.' segments)");
    }

    /// <summary>The folders a normalized name lives in, outermost first: "a/b/c" gives "a" and "a/b".</summary>
    public static IEnumerable<string> Folders(string normalized)
    {
        for (var slash = normalized.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = normalized.IndexOf('/', slash + 1))
        {
            yield return normalized[..slash];
        }
    }

    private static ArgumentException Invalid(string name, string paramName, string rule) =>
        new($"Context entry name '{Printable(name)}' is invalid: {rule}.", paramName);

    private static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
