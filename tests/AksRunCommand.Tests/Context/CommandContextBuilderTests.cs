using System.IO.Compression;
using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Testing;

namespace AksRunCommand.Tests.Context;

public sealed class CommandContextBuilderTests : IDisposable
{
    private static readonly byte[] EveryByte = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Build_TextBinaryAndEmpty_RoundTripsExactly()
    {
        var binary = _temp.Write("chart.tgz", EveryByte.Concat(EveryByte.Reverse()).ToArray());
        var sut = new CommandContextBuilder()
            .AddText("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dümmy\n")
            .AddBytes("all-bytes.bin", EveryByte)
            .AddBytes("empty.txt", [])
            .AddStream("from-stream.bin", new MemoryStream([1, 2, 3]))
            .AddFile(binary);

        var files = ReadBack(sut.Build());

        Assert.Equal(["all-bytes.bin", "chart.tgz", "empty.txt", "from-stream.bin", "ns.yaml"], files.Keys);
        Assert.Equal(EveryByte, files["all-bytes.bin"]);
        Assert.Equal(File.ReadAllBytes(binary), files["chart.tgz"]);
        Assert.Empty(files["empty.txt"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, files["from-stream.bin"]);
        Assert.Equal("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dümmy\n"u8.ToArray(), files["ns.yaml"]); // UTF-8, no BOM
    }

    [Fact]
    public void AddDirectory_NestedFolders_KeepsRelativePathsUnderPrefix()
    {
        _temp.Write("chart/Chart.yaml", "name: demo");
        _temp.Write("chart/templates/deploy.yaml", "kind: Deployment");
        _temp.Write("chart/templates/sub/svc.yaml", "kind: Service");

        var context = new CommandContextBuilder().AddDirectory(_temp.Combine("chart"), prefix: "charts/demo").Build();

        Assert.Equal(["charts/demo/Chart.yaml", "charts/demo/templates/deploy.yaml", "charts/demo/templates/sub/svc.yaml"], context.Entries.Select(e => e.Name));
    }

    [Fact]
    public void AddDirectory_IncludeAndExcludeGlobs_FilterEntries()
    {
        _temp.Write("m/a.yaml", "a");
        _temp.Write("m/b.yml", "b");
        _temp.Write("m/notes.md", "n");
        _temp.Write("m/secret/c.yaml", "c");

        var context = new CommandContextBuilder().AddDirectory(_temp.Combine("m"), include: ["**/*.yaml", "**/*.yml"], exclude: ["secret/**"]).Build();

        Assert.Equal(["a.yaml", "b.yml"], context.Entries.Select(e => e.Name));
    }

    [Theory]
    [InlineData(@"dir\sub\a.yaml", "dir/sub/a.yaml")]
    [InlineData("./dir/./a.yaml", "dir/a.yaml")]
    public void AddText_CallerGivenName_IsNormalised(string name, string expected)
    {
        var context = new CommandContextBuilder().AddText(name, "x").Build();

        Assert.Equal(expected, Assert.Single(context.Entries).Name);
    }

    [Theory]
    [InlineData("../evil.yaml", "'..'")]
    [InlineData("a/../../b", "'..'")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData(@"\etc\passwd", "absolute")]
    [InlineData("C:/x.yaml", "drive letter")]
    [InlineData(@"c:\x.yaml", "drive letter")]
    [InlineData("a//b.yaml", "empty segment")]
    [InlineData("dir/", "empty segment")]
    [InlineData("", "empty")]
    [InlineData("a\0b", "control character U+0000")]
    [InlineData("a\nb", "control character U+000A")]
    [InlineData("./.", "names no file")]
    public void AddText_NameBreakingARule_ThrowsNamingPathAndRule(string name, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => new CommandContextBuilder().AddText(name, "x"));

        Assert.Equal("entryName", error.ParamName);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.Contains("Context entry name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_SameNameAfterNormalisation_ThrowsInsteadOfOverwriting()
    {
        var sut = new CommandContextBuilder().AddText("dir/a.yaml", "first");

        var error = Assert.Throws<ArgumentException>(() => sut.AddText(@".\dir\a.yaml", "second"));

        Assert.Contains("'dir/a.yaml' is added twice", error.Message, StringComparison.Ordinal);
        Assert.Equal("first"u8.ToArray(), ReadBack(sut.Build())["dir/a.yaml"]);
    }

    [Fact]
    public void AddFile_Missing_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => new CommandContextBuilder().AddFile(_temp.Combine("nope.yaml")));

        Assert.Contains("nope.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FileGoneSinceAdded_ThrowsNamingIt()
    {
        var path = _temp.Write("gone.yaml", "x");
        var sut = new CommandContextBuilder().AddFile(path);
        File.Delete(path);

        var error = Assert.Throws<ArgumentException>(() => sut.Build());

        Assert.Contains("gone.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDirectory_SymlinksInsideRoot_AreFollowedAsTheirTargetsBytes()
    {
        _temp.Write("root/real/values.yaml", "replicas: 2");
        File.CreateSymbolicLink(_temp.Combine("root/values-link.yaml"), "real/values.yaml");
        Directory.CreateSymbolicLink(_temp.Combine("root/current"), "real");

        var files = ReadBack(new CommandContextBuilder().AddDirectory(_temp.Combine("root")).Build());

        Assert.Equal(["current/values.yaml", "real/values.yaml", "values-link.yaml"], files.Keys);
        Assert.All(files.Values, bytes => Assert.Equal("replicas: 2"u8.ToArray(), bytes));
    }

    [Fact]
    public void AddDirectory_SymlinkLeadingOutside_Throws()
    {
        _temp.Write("outside/secret.txt", "s3cr3t");
        _temp.Write("root/ok.yaml", "ok");
        File.CreateSymbolicLink(_temp.Combine("root/escape.txt"), _temp.Combine("outside/secret.txt"));

        var error = Assert.Throws<ArgumentException>(() => new CommandContextBuilder().AddDirectory(_temp.Combine("root")));

        Assert.Contains("'escape.txt'", error.Message, StringComparison.Ordinal);
        Assert.Contains("leads outside the attached folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDirectory_DirectoryLinkLoop_ThrowsInsteadOfHanging()
    {
        _temp.Write("root/a/file.yaml", "x");
        Directory.CreateSymbolicLink(_temp.Combine("root/a/up"), "..");

        var error = Assert.Throws<ArgumentException>(() => new CommandContextBuilder().AddDirectory(_temp.Combine("root")));

        Assert.Contains("'a/up'", error.Message, StringComparison.Ordinal);
        Assert.Contains("loop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDirectory_SelfReferencingLink_Throws()
    {
        _temp.Write("root/ok.yaml", "ok");
        File.CreateSymbolicLink(_temp.Combine("root/self"), "self");

        var error = Assert.Throws<ArgumentException>(() => new CommandContextBuilder().AddDirectory(_temp.Combine("root")));

        Assert.Contains("'self'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SameInputsAnyOrderAndTimestamps_GivesIdenticalBase64()
    {
        string BuildFrom(string folder, bool reverse, DateTime stamp)
        {
            var a = _temp.Write($"{folder}/a.yaml", "kind: A");
            var b = _temp.Write($"{folder}/sub/b.bin", EveryByte);
            File.SetLastWriteTimeUtc(a, stamp);
            File.SetLastWriteTimeUtc(b, stamp);
            var builder = new CommandContextBuilder();
            if (reverse)
            {
                builder.AddText("z.txt", "zz").AddFile(b, "sub/b.bin").AddFile(a);
            }
            else
            {
                builder.AddFile(a).AddFile(b, "sub/b.bin").AddText("z.txt", "zz");
            }

            return builder.Build().Base64;
        }

        var first = BuildFrom("one", reverse: false, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = BuildFrom("two", reverse: true, new DateTime(2025, 6, 30, 12, 34, 56, DateTimeKind.Utc));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Build_OverLimit_ThrowsNamingSizeLimitAndLargestEntries()
    {
        var random = new Random(42);
        var big = new byte[6000];
        random.NextBytes(big);
        var sut = new CommandContextBuilder(new CommandContextOptions { MaxEncodedLength = 4000 })
            .AddBytes("big.bin", big)
            .AddText("small.yaml", "a: 1")
            .AddBytes("mid.bin", big.AsSpan(0, 3000));

        var error = Assert.Throws<ArgumentException>(() => sut.Build());

        Assert.Matches(@"The context is [\d,]+ base64 characters, over the limit of 4,000", error.Message);
        Assert.Contains("Largest entries: big.bin (5.9 KiB), mid.bin (2.9 KiB), small.yaml (4 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Build_ExecutableFile_KeepsTheExecuteBit()
    {
        var script = _temp.Write("deploy.sh", "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var plain = _temp.Write("values.yaml", "a: 1");

        var context = new CommandContextBuilder().AddFile(script).AddFile(plain).Build();

        using var zip = new ZipArchive(new MemoryStream(Convert.FromBase64String(context.Base64)));
        Assert.Equal(Convert.ToInt32("100755", 8), (zip.GetEntry("deploy.sh")!.ExternalAttributes >> 16) & 0xFFFF);
        Assert.Equal(Convert.ToInt32("100644", 8), (zip.GetEntry("values.yaml")!.ExternalAttributes >> 16) & 0xFFFF);
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void Build_AnyCompressionLevel_RoundTrips(CompressionLevel level)
    {
        var text = string.Concat(Enumerable.Repeat("apiVersion: v1\nkind: ConfigMap\n", 200));

        var context = new CommandContextBuilder(new CommandContextOptions { CompressionLevel = level }).AddText("cm.yaml", text).Build();

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), ReadBack(context)["cm.yaml"]);
        var entry = Assert.Single(context.Entries);
        Assert.Equal(level == CompressionLevel.NoCompression, entry.CompressedLength >= entry.Length);
    }

    [Fact]
    public void Build_RandomTrees_RoundTripExactly()
    {
        var random = new Random(20261128);
        for (var tree = 0; tree < 20; tree++)
        {
            var expected = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            var root = _temp.Combine($"tree{tree}");
            Directory.CreateDirectory(root);
            for (var f = random.Next(1, 15); f > 0; f--)
            {
                var depth = random.Next(0, 4);
                var name = string.Join('/', Enumerable.Range(0, depth + 1).Select(_ => RandomName(random)));
                if (expected.Keys.Any(k => k.StartsWith(name + "/", StringComparison.Ordinal) || name.StartsWith(k + "/", StringComparison.Ordinal) || k == name))
                {
                    continue; // a file and a folder of the same name cannot both exist
                }

                var bytes = new byte[random.Next(0, 5000)];
                random.NextBytes(bytes);
                expected[name] = bytes;
                _temp.Write($"tree{tree}/{name}", bytes);
            }

            var actual = ReadBack(new CommandContextBuilder().AddDirectory(root).Build());

            Assert.Equal(expected.Keys, actual.Keys);
            Assert.All(expected, pair => Assert.Equal(pair.Value, actual[pair.Key]));
        }
    }

    [Theory]
    [InlineData("a", "a/b.txt")]
    [InlineData("a/b.txt", "a")]
    [InlineData("x/y", "x/y/z/w")]
    public void Add_NameThatIsBothFileAndFolder_ThrowsInsteadOfAnUnextractableZip(string first, string second)
    {
        var sut = new CommandContextBuilder().AddText(first, "1");

        var error = Assert.Throws<ArgumentException>(() => sut.AddText(second, "2"));

        Assert.Contains("both a file and a folder", error.Message, StringComparison.Ordinal);
        Assert.Equal([first], sut.Names);
    }

    [Fact]
    public void FromCliPaths_FileAndFolderOfTheSameName_Throws()
    {
        _temp.Write("x/a", "a file named a");
        _temp.Write("y/a/b.txt", "a file in a folder named a");

        var error = Assert.Throws<ArgumentException>(() => CommandContextBuilder.FromCliPaths(["x/a", "y/a"], _temp.Path));

        Assert.Contains("both a file and a folder", error.Message, StringComparison.Ordinal);
    }

    private static string RandomName(Random random)
    {
        const string alphabet = "abcXYZ019-_.é";
        var name = new string(Enumerable.Range(0, random.Next(1, 8)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        return name.Trim('.') is { Length: > 0 } trimmed ? trimmed : "n";
    }

    private static SortedDictionary<string, byte[]> ReadBack(CommandContext context) =>
        new(CommandContextReader.ReadFiles(context.Base64).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
}
