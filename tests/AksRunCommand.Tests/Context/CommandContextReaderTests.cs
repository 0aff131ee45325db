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

    private static string HandCraftedZip(params (string Name, string Content)[] entries)
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
