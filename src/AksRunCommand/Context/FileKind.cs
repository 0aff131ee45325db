using System.Runtime.InteropServices;

namespace AksRunCommand;

// What a path is beyond "file or folder": .NET reports a named pipe, a socket or a device as a plain file (and
// reading a named pipe blocks until a writer comes), so only regular files may be attached. On Linux this asks
// statx(2), whose layout is the same on every architecture; elsewhere every non-folder counts as regular.
internal static partial class FileKind
{
    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint StatxType = 0x1; // STATX_TYPE
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode (u16)
    private const int TypeMask = 0xF000; // S_IFMT

    public static void EnsureRegular(string path, string shownAs, string paramName)
    {
        if (Describe(path) is { } what)
        {
            throw new ArgumentException($"'{shownAs}' is {what}, not a regular file: only regular files and folders can be attached (nothing was sent).", paramName);
        }
    }

    // Null for a regular file (or where the type cannot be read); otherwise what the path is.
    private static string? Describe(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[256];
        if (NativeMethods.Statx(AtCurrentDirectory, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null; // statx missing (kernel < 4.11) or the path vanished: the read that follows reports it
        }

        return (BitConverter.ToUInt16(buffer[ModeOffset..]) & TypeMask) switch
        {
            0x8000 or 0x4000 => null, // regular file, folder
            0x1000 => "a named pipe (FIFO)",
            0xC000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            _ => "not a regular file",
        };
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Statx(int directory, string path, int flags, uint mask, ref byte statx);
    }
}
