namespace AksRunCommand;

// Where the bytes of one context entry come from: a file read at Build time, or bytes given in memory.
internal sealed record ContextSource(string? Path, byte[]? Bytes)
{
    public static ContextSource FromFile(string path) => new(path, null);

    public static ContextSource FromBytes(byte[] bytes) => new(null, bytes);

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
