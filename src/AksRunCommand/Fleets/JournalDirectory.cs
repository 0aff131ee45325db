using System.Runtime.InteropServices;

namespace AksRunCommand.Fleets;

/// <summary>
/// Makes a new file's directory entry durable: after a power cut the journal exists, not only its blocks.
/// .NET cannot open a directory (File.OpenHandle refuses one), so on Linux and macOS this is open(2) and fsync(2);
/// on Windows, NTFS journals its metadata and there is nothing to do.
/// </summary>
internal static partial class JournalDirectory
{
    private const int ReadOnly = 0; // O_RDONLY

    public static void Sync(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = NativeMethods.Open(folder, ReadOnly);
        if (descriptor < 0)
        {
            return; // best effort: the file itself is already flushed
        }

        _ = NativeMethods.Fsync(descriptor);
        _ = NativeMethods.Close(descriptor);
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        internal static partial int Fsync(int descriptor);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int descriptor);
    }
}
