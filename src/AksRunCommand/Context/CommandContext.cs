namespace AksRunCommand;

/// <summary>
/// The files a command needs, as the service takes them: a base64-encoded zip. Build one with
/// <see cref="CommandContextBuilder"/>, or wrap an existing base64 zip with <see cref="FromBase64"/>.
/// </summary>
public sealed class CommandContext
{
    internal CommandContext(string base64, IReadOnlyList<CommandContextEntry> entries)
    {
        Base64 = base64;
        Entries = entries;
    }

    /// <summary>The base64 text sent as the request's <c>context</c>.</summary>
    public string Base64 { get; }

    /// <summary>The length of <see cref="Base64"/> in characters (bytes on the wire).</summary>
    public int EncodedLength => Base64.Length;

    /// <summary>The files, in ordinal order of name.</summary>
    public IReadOnlyList<CommandContextEntry> Entries { get; }

    /// <summary>
    /// Wraps a base64 zip made elsewhere, after checking that it is base64, a zip, and that every entry name
    /// follows the rules (relative, no '..', no drive, no empty segment, no control characters).
    /// </summary>
    /// <exception cref="ArgumentException">It is not base64, not a zip, or an entry name breaks a rule.</exception>
    public static CommandContext FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        return new CommandContext(base64, CommandContextReader.ListEntries(base64, nameof(base64)));
    }

    /// <summary>A summary: entry count and size; never the content.</summary>
    public override string ToString() => $"{Entries.Count} file(s), {EncodedLength:N0} base64 characters";
}
