using System.IO.Compression;
using AksRunCommand.Tests.Infrastructure;
using CsCheck;

namespace AksRunCommand.Tests.Context;

// For every archive, however hostile: extraction never writes outside the target, and either writes every
// entry exactly or leaves the target exactly as it was.
public sealed class CommandContextReaderPropertyTests : IDisposable
{
    private static readonly string[] HostileNames =
    [
        "../escape", "a/../../escape", "/etc/escape", "C:/escape", "c:\\escape", "..\\escape", "a//b", "a/", ".", "./",
        "bad\u0001name", "link/passwd", "existing.txt", "nul\0byte",
    ];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ExtractToDirectory_AnyArchive_NeverWritesOutsideNorPartially()
    {
        var names = Gen.OneOf(
            Gen.OneOf(HostileNames),
            Gen.Select(Gen.OneOf("a", "b", "dir", "dir/sub", "x.yaml"), Gen.Int[0, 3], (n, i) => i == 0 ? n : $"{n}/f{i}"));
        var entry = Gen.Select(names, Gen.Int[0, 3], Gen.Bool, Gen.Int[0, 9], (name, size, isLink, ratio) => new HostileEntry(name, size, isLink && ratio == 0, ratio == 9));
        var cases = 0;
        entry.Array[1, 6].Sample(
            entries =>
            {
                var run = _temp.Combine($"case{Interlocked.Increment(ref cases)}");
                var outside = Directory.CreateDirectory(Path.Combine(run, "outside")).FullName;
                var target = Directory.CreateDirectory(Path.Combine(run, "target")).FullName;
                Directory.CreateSymbolicLink(Path.Combine(target, "link"), outside);
                File.WriteAllText(Path.Combine(target, "existing.txt"), "before");
                var before = Listing(target);
                var zip = Zip(entries);

                Exception? failure = null;
                try
                {
                    CommandContextReader.ExtractToDirectory(zip, target, new CommandContextReaderOptions { MaxTotalBytes = 200_000 });
                }
                catch (Exception e) when (e is ArgumentException or IOException)
                {
                    failure = e;
                }

                if (Directory.EnumerateFileSystemEntries(outside).Any())
                {
                    throw new InvalidOperationException("something was written outside the target");
                }

                if (failure is not null)
                {
                    var after = Listing(target);
                    if (!after.SequenceEqual(before))
                    {
                        throw new InvalidOperationException($"a failed extraction ({failure.Message}) changed the target: {string.Join(", ", after.Except(before))}");
                    }
                }
                else
                {
                    foreach (var file in CommandContextReader.ReadFiles(zip, new CommandContextReaderOptions { MaxTotalBytes = 200_000 }))
                    {
                        var path = Path.Combine(target, file.Key);
                        if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(file.Value))
                        {
                            throw new InvalidOperationException($"'{file.Key}' was not written exactly");
                        }
                    }
                }

                Directory.Delete(run, recursive: true);
            },
            iter: 1000,
            threads: 1,
            print: entries => string.Join(" | ", entries.Select(e => e.ToString())));
    }

    private static string Zip(HostileEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                var entry = zip.CreateEntry(e.Name);
                if (e.IsLink)
                {
                    entry.ExternalAttributes = (0xA000 | 0x1FF) << 16;
                }

                using var stream = entry.Open();
                stream.Write(e.HighRatio ? new byte[300_000] : new byte[e.Size * 7 + 1]);
            }
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    private static List<string> Listing(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p))
            .Order(StringComparer.Ordinal)
            .ToList();

    private sealed record HostileEntry(string Name, int Size, bool IsLink, bool HighRatio);
}
