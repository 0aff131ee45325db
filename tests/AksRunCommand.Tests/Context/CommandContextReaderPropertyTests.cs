using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using AksRunCommand.Tests.Infrastructure;
using CsCheck;

namespace AksRunCommand.Tests.Context;

// For every archive, however hostile or malformed: extraction writes nothing outside the target (not beside it, not
// through the link inside it, not at an absolute path), and either adds exactly the archive's files to what was there,
// every old file untouched, or fails with ArgumentException or IOException and leaves the target exactly as it was.
public sealed class CommandContextReaderPropertyTests : IDisposable
{
    // Stands for an absolute path: each case puts the canary folder's path there, so an absolute entry that escaped
    // lands where the test looks (and nowhere else on the machine).
    private const string Absolute = "{canary}";

    private static readonly string[] HostileNames =
    [
        "../escape", "a/../../escape", "..\\escape", "dir/../../escape", Absolute + "/escape", Absolute + "\\escape",
        "C:/escape", "c:\\escape", "a//b", "a/", ".", "./", "bad\u0001name", "nul\0byte",
        "link/passwd", "link", "existing.txt", "./existing.txt", "dir/../existing.txt", "existing.txt/x", "dir", "dir/old.txt",
    ];

    // Mostly names that may extract, so that writes happen often; a link entry or a decompression bomb now and then.
    private static readonly Gen<Entry> Entries = Gen.Select(
        Gen.Frequency(
            (1, Gen.OneOf(HostileNames)),
            (3, Gen.Select(Gen.OneOf("a", "b", "dir", "dir/sub", "x.yaml", "new"), Gen.Int[0, 3], (n, i) => i == 0 ? n : $"{n}/f{i}"))),
        Gen.Int[0, 3],
        Gen.Int[0, 39],
        Gen.Bool,
        (name, size, kind, stored) => new Entry(name, size, IsLink: kind == 0, HighRatio: kind == 39, stored));

    // Mostly intact archives; the rest lie about sizes, have a damaged central directory, a wrong entry count, or end early.
    private static readonly Gen<Damage> Damages = Gen.Frequency(
        (4, Gen.Const(new Damage(DamageKind.None, 0, 0))),
        (1, Gen.Select(Gen.OneOf(Gen.Const(DamageKind.UncompressedSize), Gen.Const(DamageKind.CompressedSize)), Gen.Int[0, 5], Gen.Int[0, 3], (kind, entry, lie) => new Damage(kind, entry, lie))),
        (1, Gen.Select(Gen.Int[0, 4095], Gen.Int[1, 255], (offset, mask) => new Damage(DamageKind.CentralDirectoryByte, offset, mask))),
        (1, Gen.Select(Gen.Int[0, 3], lie => new Damage(DamageKind.EntryCount, 0, lie))),
        (1, Gen.Select(Gen.Int[1, 64], cut => new Damage(DamageKind.Truncated, cut, 0))));

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ExtractToDirectory_AnyArchive_AddsExactlyItsFilesOrChangesNothing()
    {
        var canary = Directory.CreateDirectory(_temp.Combine("canary")).FullName;
        var cases = 0;
        var maxEntries = Gen.Frequency((3, Gen.Const(CommandContextReaderOptions.DefaultMaxEntries)), (1, Gen.Int[1, 6]));
        Gen.Select(Entries.Array[1, 6], Damages, maxEntries).Sample(
            (entries, damage, limit) =>
            {
                var run = _temp.Combine($"case{++cases}");
                var outside = Directory.CreateDirectory(Path.Combine(run, "outside")).FullName;
                var target = Directory.CreateDirectory(Path.Combine(run, "target")).FullName;
                Directory.CreateSymbolicLink(Path.Combine(target, "link"), outside);
                File.WriteAllText(Path.Combine(target, "existing.txt"), "before");
                File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(target, "dir")).FullName, "old.txt"), "old");
                var targetBefore = Snapshot(target);
                var parentBefore = Snapshot(run, skip: "target");
                var named = entries.Select(e => e with { Name = e.Name.Replace(Absolute, canary, StringComparison.Ordinal) }).ToArray();
                var zip = Convert.ToBase64String(damage.Apply(Zip(named)));
                var options = new CommandContextReaderOptions { MaxTotalBytes = 200_000, MaxEntries = limit };

                Exception? failure = null;
                try
                {
                    CommandContextReader.ExtractToDirectory(zip, target, options);
                }
                catch (Exception e) when (e is ArgumentException or IOException)
                {
                    failure = e;
                }

                if (Directory.EnumerateFileSystemEntries(canary).Any())
                {
                    throw new InvalidOperationException($"an entry was written at an absolute path: {string.Join(", ", Directory.EnumerateFileSystemEntries(canary))}");
                }

                var parentChanges = Differences(parentBefore, Snapshot(run, skip: "target"));
                if (parentChanges.Count > 0)
                {
                    throw new InvalidOperationException($"something was written outside the target: {string.Join(", ", parentChanges)}");
                }

                var expected = failure is null ? Expected(targetBefore, zip, options, damage.Kind == DamageKind.None ? named : null) : targetBefore;
                var targetChanges = Differences(expected, Snapshot(target));
                if (targetChanges.Count > 0)
                {
                    throw new InvalidOperationException(failure is null
                        ? $"the target is not the old folder plus the archive's files: {string.Join(", ", targetChanges)}"
                        : $"a failed extraction ({failure.Message}) changed the target: {string.Join(", ", targetChanges)}");
                }

                Directory.Delete(run, recursive: true);
            },
            iter: 1000,
            threads: 1,
            print: c => $"entries: [{string.Join(" | ", c.Item1)}] damage: {c.Item2} maxEntries: {c.Item3}");
    }

    // What a successful extraction must leave: the old folder, untouched, plus each file of the archive and its folders.
    private static SortedDictionary<string, string> Expected(SortedDictionary<string, string> before, string zip, CommandContextReaderOptions options, Entry[]? intact)
    {
        var files = CommandContextReader.ReadFiles(zip, options);
        if (intact is not null)
        {
            // An intact archive that extracted holds exactly the entries made, each name as the rule normalizes it.
            var made = intact.Select((e, i) => $"{ContextEntryName.Normalize(e.Name, "name")}={Hash(Content(i, e))}").Order(StringComparer.Ordinal);
            var read = files.Select(f => $"{f.Key}={Hash(f.Value)}").Order(StringComparer.Ordinal);
            if (!made.SequenceEqual(read))
            {
                throw new InvalidOperationException($"the reader's files [{string.Join(", ", read)}] are not the entries made [{string.Join(", ", made)}]");
            }
        }

        var expected = new SortedDictionary<string, string>(before, StringComparer.Ordinal);
        foreach (var (name, content) in files)
        {
            if (before.ContainsKey(name))
            {
                throw new InvalidOperationException($"the extraction succeeded although '{name}' was already in the target");
            }

            expected[name] = "file " + Hash(content);
            foreach (var folder in ContextEntryName.Folders(name))
            {
                expected.TryAdd(folder, "folder");
            }
        }

        return expected;
    }

    // Every file, folder and link under root by relative path: what it is, and a file's content hash.
    private static SortedDictionary<string, string> Snapshot(string root, string? skip = null)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (skip is not null && (relative == skip || relative.StartsWith(skip + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            var info = new FileInfo(path);
            snapshot[relative] = info.LinkTarget is { } link ? "link to " + link : Directory.Exists(path) ? "folder" : "file " + Hash(File.ReadAllBytes(path));
        }

        return snapshot;
    }

    private static List<string> Differences(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual) =>
        expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k))
            .Select(k => $"'{k}' {expected.GetValueOrDefault(k) ?? "absent"} -> {actual.GetValueOrDefault(k) ?? "absent"}")
            .ToList();

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes))[..16];

    private static byte[] Zip(Entry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < entries.Length; i++)
            {
                var e = entries[i];
                var entry = zip.CreateEntry(e.Name, e.Stored ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
                if (e.IsLink)
                {
                    entry.ExternalAttributes = (0xA000 | 0x1FF) << 16;
                }

                using var stream = entry.Open();
                stream.Write(Content(i, e));
            }
        }

        return buffer.ToArray();
    }

    // Bytes that differ from entry to entry, so a file written with another entry's content is seen.
    private static byte[] Content(int index, Entry e)
    {
        if (e.HighRatio)
        {
            return new byte[300_000]; // over MaxTotalBytes once decompressed, small compressed
        }

        var seed = Encoding.UTF8.GetBytes($"{index}:{e.Name};");
        return Enumerable.Range(0, e.Size * 7 + 1).Select(i => seed[i % seed.Length]).ToArray();
    }

    private sealed record Entry(string Name, int Size, bool IsLink, bool HighRatio, bool Stored)
    {
        public override string ToString() =>
            $"{Name.Replace("\0", "\\0", StringComparison.Ordinal).Replace("\u0001", "\\u0001", StringComparison.Ordinal)} size={Size}{(IsLink ? " link" : string.Empty)}{(HighRatio ? " 300k-zeros" : string.Empty)}{(Stored ? " stored" : string.Empty)}";
    }

    private enum DamageKind
    {
        None,
        UncompressedSize,
        CompressedSize,
        CentralDirectoryByte,
        EntryCount,
        Truncated,
    }

    // One malformation of a valid zip (no comment, sizes in the local headers: what ZipArchive writes to a seekable stream).
    private sealed record Damage(DamageKind Kind, int At, int Lie)
    {
        private const int EndRecordSize = 22;
        private const int CentralHeaderSize = 46;

        public byte[] Apply(byte[] zip)
        {
            var bytes = (byte[])zip.Clone();
            var end = bytes.Length - EndRecordSize;
            var count = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(end + 10));
            var centralSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end + 12));
            var centralOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end + 16));
            switch (Kind)
            {
                case DamageKind.UncompressedSize or DamageKind.CompressedSize:
                    var header = centralOffset;
                    for (var i = 0; i < At % count; i++)
                    {
                        header += CentralHeaderSize + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(header + 28)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(header + 30)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(header + 32));
                    }

                    var local = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(header + 42));
                    var (central, inLocal) = Kind == DamageKind.UncompressedSize ? (header + 24, local + 22) : (header + 20, local + 18);
                    var lied = Lied(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(central)), huge: 0xFFFF_FFFE);
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central), lied);
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(inLocal), lied);
                    return bytes;
                case DamageKind.CentralDirectoryByte:
                    bytes[centralOffset + (At % centralSize)] ^= (byte)Lie;
                    return bytes;
                case DamageKind.EntryCount:
                    var lie = (ushort)Lied(count, huge: 0xFFFE);
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 8), lie);
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 10), lie);
                    return bytes;
                case DamageKind.Truncated:
                    return bytes[..^Math.Min(At, bytes.Length - 1)];
                default:
                    return bytes;
            }
        }

        // One less, one more, nothing, or nearly the most the field can say (the most is the Zip64 marker).
        private uint Lied(uint truth, uint huge) => Lie switch
        {
            0 => truth - 1,
            1 => truth + 1,
            2 => 0,
            _ => huge,
        };

        public override string ToString() => Kind switch
        {
            DamageKind.None => "none",
            DamageKind.Truncated => $"last {At} bytes cut",
            DamageKind.CentralDirectoryByte => $"central directory byte {At} xor {Lie}",
            _ => $"{Kind} of entry {At} lie {Lie}",
        };
    }
}
