using System.IO.Compression;

namespace AksRunCommand;

/// <summary>Options of a <see cref="CommandContextBuilder"/>.</summary>
public sealed class CommandContextOptions
{
    /// <summary>
    /// Default <see cref="MaxEncodedLength"/>: 4 MiB less 64 KiB (4,128,768 characters), so that a request
    /// with a command line stays under the 4 MB the service was seen to accept.
    /// </summary>
    public const int DefaultMaxEncodedLength = (4 * 1024 * 1024) - (64 * 1024);

    private int _maxEncodedLength = DefaultMaxEncodedLength;
    private CompressionLevel _compressionLevel = CompressionLevel.Optimal;

    /// <summary>Deflate level; default <see cref="CompressionLevel.Optimal"/>.</summary>
    public CompressionLevel CompressionLevel
    {
        get => _compressionLevel;
        set => _compressionLevel = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(CompressionLevel), value, "CompressionLevel must be Optimal, Fastest, NoCompression or SmallestSize.");
    }

    /// <summary>The largest context in base64 characters, checked while building; default <see cref="DefaultMaxEncodedLength"/>.</summary>
    public int MaxEncodedLength
    {
        get => _maxEncodedLength;
        set => _maxEncodedLength = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxEncodedLength), value, "MaxEncodedLength must be positive.");
    }
}
