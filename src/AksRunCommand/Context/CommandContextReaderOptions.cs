namespace AksRunCommand;

/// <summary>Limits of <see cref="CommandContextReader"/>: a context is untrusted input, and a zip can claim little and hold a lot.</summary>
public sealed class CommandContextReaderOptions
{
    /// <summary>Default <see cref="MaxEntries"/>: 10,000.</summary>
    public const int DefaultMaxEntries = 10_000;

    /// <summary>Default <see cref="MaxTotalBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxTotalBytes = 256L * 1024 * 1024;

    private int _maxEntries = DefaultMaxEntries;
    private long _maxTotalBytes = DefaultMaxTotalBytes;

    /// <summary>The most files a context may hold; 1 to 1,000,000, default 10,000.</summary>
    public int MaxEntries
    {
        get => _maxEntries;
        set => _maxEntries = value is >= 1 and <= 1_000_000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxEntries), value, "MaxEntries must be 1 to 1,000,000.");
    }

    /// <summary>The most bytes all files may hold once decompressed, counted as they are read (not as the zip claims); more than 0, default 256 MiB.</summary>
    public long MaxTotalBytes
    {
        get => _maxTotalBytes;
        set => _maxTotalBytes = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxTotalBytes), value, "MaxTotalBytes must be more than 0.");
    }
}
