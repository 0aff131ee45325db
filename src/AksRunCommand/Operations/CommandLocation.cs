namespace AksRunCommand.Operations;

// The command id is the path segment after "commandResults/" in the 202's Location, in any casing.
internal static class CommandLocation
{
    private const string Marker = "/commandResults/";

    public static string? ReadCommandId(string? location)
    {
        if (string.IsNullOrWhiteSpace(location) || !Uri.TryCreate(location, UriKind.RelativeOrAbsolute, out var uri))
        {
            return null;
        }

        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : location.Split('?', 2)[0];
        var start = path.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        var id = path[(start + Marker.Length)..].TrimEnd('/');
        if (id.Length == 0 || id.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        var unescaped = Uri.UnescapeDataString(id);
        return CommandIds.IsValid(unescaped) ? unescaped : null; // a server value: only an id the client can poll is usable
    }
}
