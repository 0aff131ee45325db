using System.IO.Compression;
using BenchmarkDotNet.Attributes;

namespace AksRunCommand.Benchmarks;

/// <summary>Building the context of a folder and of a binary: the builder against a plain ZipArchive + Convert.ToBase64String.</summary>
[MemoryDiagnoser]
public class ContextBuildBenchmarks
{
    [Params("folder", "binary")]
    public string Input { get; set; } = "folder";

    [GlobalSetup]
    public void Setup() => ContextInputs.Ensure();

    [Benchmark(Baseline = true)]
    public string ZipArchiveBaseline() => PlainZip(ContextInputs.PathOf(Input));

    [Benchmark]
    public string Builder() => Build(ContextInputs.PathOf(Input));

    public static string Build(string folder) =>
        new CommandContextBuilder(new CommandContextOptions { MaxEncodedLength = int.MaxValue }).AddDirectory(folder).Build().Base64;

    // What a careful hand-written version does: sorted relative names, the same deflate level, base64 at the end.
    public static string PlainZip(string folder)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(Path.GetRelativePath(folder, file).Replace('\\', '/'), CompressionLevel.Optimal);
                using var target = entry.Open();
                using var source = File.OpenRead(file);
                source.CopyTo(target);
            }
        }

        return Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
