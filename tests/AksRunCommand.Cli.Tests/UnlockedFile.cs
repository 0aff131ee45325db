using System.Runtime.InteropServices;
using System.Text;

namespace AksRunCommand.Cli.Tests;

/// <summary>
/// Reads a file another process holds with an exclusive lock (aks-run's journal): .NET's FileStream takes a shared
/// flock to read, which an exclusive one refuses; libc's open and read take none (Linux and macOS).
/// </summary>
internal static class UnlockedFile
{
    private const int ReadOnly = 0;
    private const int NoSuchFile = 2;

    public static string ReadAllText(string path)
    {
        var fd = NativeMethods.open(path, ReadOnly);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == NoSuchFile ? string.Empty : throw new IOException($"open('{path}') failed with errno {errno}");
        }

        try
        {
            using var content = new MemoryStream();
            var buffer = new byte[65536];
            nint read;
            while ((read = NativeMethods.read(fd, buffer, buffer.Length)) > 0)
            {
                content.Write(buffer, 0, (int)read);
            }

            return read < 0 ? throw new IOException($"read('{path}') failed with errno {Marshal.GetLastPInvokeError()}") : Encoding.UTF8.GetString(content.ToArray());
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern nint read(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
