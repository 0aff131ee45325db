using System.IO.Compression;
using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Testing;

namespace AksRunCommand.Tests.Context;

public sealed class CommandContextReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ListEntries_BuiltContext_GivesNamesAndSizes()
    {
        var context = new CommandContextBuilder().AddText("b/x.yaml", "12345").AddBytes("a.bin", new byte[100]).Build();

        var entries = CommandContextReader.ListEntries(context.Base64);

        Assert.Equal([("a.bin", 100L), ("b/x.yaml", 5L)], entries.Select(e => (e.Name, e.Length)));
        Assert.All(entries, e => Assert.True(e.CompressedLength > 0));
        Assert.Equal(context.Entries, entries);
    }

    [Fact]
    public void ExtractToDirectory_BuiltContext_WritesTheFiles()
    {
        var context = new CommandContextBuilder().AddText("dir/sub/a.yaml", "kind: A").AddBytes("b.bin", [0, 255]).Build();
        var target = _temp.Combine("out");

        CommandContextReader.ExtractToDirectory(context.Base64, target);

        Assert.Equal("kind: A", File.ReadAllText(Path.Combine(target, "dir", "sub", "a.yaml")));
        Assert.Equal(new byte[] { 0, 255 }, File.ReadAllBytes(Path.Combine(target, "b.bin")));
    }

    [Theory]
    [InlineData("../evil.sh", "'..'")]
    [InlineData("ok/../../evil.sh", "'..'")]
    [InlineData("/etc/cron.d/evil", "absolute")]
    [InlineData("C:/Windows/evil.dll", "drive letter")]
    public void HostileZip_IsRefusedAndNothingIsWritten(string hostileName, string rule)
    {
        var base64 = HandCraftedZip(("fine.yaml", "ok"), (hostileName, "pwned"));
        var target = _temp.Combine("target/inner");

        var listError = Assert.Throws<ArgumentException>(() => CommandContextReader.ListEntries(base64));
        var extractError = Assert.Throws<ArgumentException>(() => CommandContextReader.ExtractToDirectory(base64, target));
        var wrapError = Assert.Throws<ArgumentException>(() => CommandContext.FromBase64(base64));

        Assert.Contains(rule, listError.Message, StringComparison.Ordinal);
        Assert.Contains(rule, extractError.Message, StringComparison.Ordinal);
        Assert.Contains(rule, wrapError.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
        Assert.False(File.Exists(_temp.Combine("target/evil.sh")));
        Assert.False(File.Exists(_temp.Combine("evil.sh")));
    }

    [Fact]
    public void HostileZip_DuplicateNames_AreRefused()
    {
        var base64 = HandCraftedZip(("a.yaml", "one"), ("./a.yaml", "two"));

        var error = Assert.Throws<ArgumentException>(() => CommandContextReader.ListEntries(base64));

        Assert.Contains("appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBase64_NotBase64_ThrowsNamingTheRule()
    {
        var error = Assert.Throws<ArgumentException>(() => CommandContext.FromBase64("this is not base64!"));

        Assert.Equal("base64", error.ParamName);
        Assert.Contains("not valid base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBase64_NotAZip_ThrowsNamingTheRule()
    {
        var error = Assert.Throws<ArgumentException>(() => CommandContext.FromBase64(Convert.ToBase64String("plain text"u8.ToArray())));

        Assert.Contains("not a zip", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBase64_ValidZip_KeepsTheTextAndLists()
    {
        var base64 = HandCraftedZip(("ns.yaml", "kind: Namespace"));

        var context = CommandContext.FromBase64(base64);

        Assert.Equal(base64, context.Base64);
        Assert.Equal("ns.yaml", Assert.Single(context.Entries).Name);
    }

    [Fact]
    public void ExtractToDirectory_FileAndFolderOfTheSameName_WritesNothing()
    {
        var base64 = HandCraftedZip(("a", "a file"), ("a/b", "a file in a folder of the same name"));
        var target = _temp.Combine("out");

        var error = Assert.Throws<ArgumentException>(() => CommandContextReader.ExtractToDirectory(base64, target));

        Assert.Contains("both a file and a folder", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void ExtractToDirectory_SymbolicLinkAlreadyInTheTarget_IsNeverFollowed()
    {
        var outside = Directory.CreateDirectory(_temp.Combine("outside")).FullName;
        var target = Directory.CreateDirectory(_temp.Combine("out")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(target, "conf"), outside);
        var base64 = HandCraftedZip(("fine.yaml", "ok"), ("conf/passwd", "pwned"));

        var error = Assert.Throws<IOException>(() => CommandContextReader.ExtractToDirectory(base64, target));

        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.Equal(["conf"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
    }

    [Fact]
    public void ExtractToDirectory_FileAlreadyThere_WritesNothingAtAll()
    {
        var target = Directory.CreateDirectory(_temp.Combine("out")).FullName;
        File.WriteAllText(Path.Combine(target, "z.yaml"), "mine");
        var base64 = HandCraftedZip(("a.yaml", "new"), ("z.yaml", "theirs"));

        Assert.Throws<IOException>(() => CommandContextReader.ExtractToDirectory(base64, target));

        Assert.Equal(["z.yaml"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(target, "z.yaml")));
    }

    [Fact]
    public void ReadFiles_MoreEntriesThanTheLimit_IsRefused()
    {
        var base64 = HandCraftedZip([.. Enumerable.Range(0, 11).Select(i => ($"f{i}", "x"))]);

        var error = Assert.Throws<ArgumentException>(() => CommandContextReader.ReadFiles(base64, new CommandContextReaderOptions { MaxEntries = 10 }));

        Assert.Contains("more than 10 files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractToDirectory_HighRatioBomb_IsRefusedPartWayAndWritesNothing()
    {
        var base64 = HandCraftedZip(("a.txt", "small"), ("bomb.txt", new string('0', 5_000_000)));
        Assert.True(base64.Length < 20_000, $"{base64.Length} characters");
        var target = _temp.Combine("out");

        var error = Assert.Throws<ArgumentException>(() => CommandContextReader.ExtractToDirectory(base64, target, new CommandContextReaderOptions { MaxTotalBytes = 1_000_000 }));

        Assert.Contains("more than 1,000,000 bytes", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void ReadFiles_EntryLargerThanItsZipSays_NeverYieldsMoreThanDeclared()
    {
        var zip = Convert.FromBase64String(HandCraftedZip(("a.txt", new string('x', 10_000))));
        PatchUncompressedSize(zip, 100); // the sender claims 100 bytes, the data holds 10,000

        var file = Assert.Single(CommandContextReader.ReadFiles(Convert.ToBase64String(zip), new CommandContextReaderOptions { MaxTotalBytes = 1_000 }));

        Assert.Equal(100, file.Value.Length); // the declared sizes are what the limits are checked against, and all that is read
    }

    [Fact]
    public void ListEntries_SymbolicLinkEntry_IsRefused()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var link = zip.CreateEntry("passwd");
            link.ExternalAttributes = (0xA000 | 0x1FF) << 16; // S_IFLNK, as zip -y stores a link
            using var writer = new StreamWriter(link.Open());
            writer.Write("/etc/passwd");
        }

        var error = Assert.Throws<ArgumentException>(() => CommandContextReader.ListEntries(Convert.ToBase64String(buffer.ToArray())));

        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractToDirectory_EndRecordCountingMoreEntriesThanTheDirectoryHolds_IsAnArgumentExceptionAndWritesNothing()
    {
        var zip = Convert.FromBase64String(HandCraftedZip(("a.txt", "a"), ("b.txt", "b")));
        BitConverter.TryWriteBytes(zip.AsSpan(zip.Length - 22 + 8, 2), (ushort)3); // the end record's two entry counts
        BitConverter.TryWriteBytes(zip.AsSpan(zip.Length - 22 + 10, 2), (ushort)3);
        var target = _temp.Combine("out");

        var error = Assert.Throws<ArgumentException>(() => CommandContextReader.ExtractToDirectory(Convert.ToBase64String(zip), target));

        Assert.Equal("base64", error.ParamName);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    // Sets the uncompressed size of every entry in both the local headers and the central directory.
    internal static void PatchUncompressedSize(byte[] zip, int size)
    {
        for (var i = 0; i + 30 < zip.Length; i++)
        {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 0x03 && zip[i + 3] == 0x04)
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 22, 4), size);
            }
            else if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 0x01 && zip[i + 3] == 0x02)
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 24, 4), size);
            }
        }
    }

    internal static string HandCraftedZip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        return Convert.ToBase64String(buffer.ToArray());
    }
}
