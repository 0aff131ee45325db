using System.Text;

namespace AksRunCommand.Benchmarks;

/// <summary>The benchmark inputs, made once, the same bytes on every machine: 1,000 text files (10 MB) and one 3 MB random binary.</summary>
public static class ContextInputs
{
    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "aksrun-bench-inputs-v1");

    public static string Folder => Path.Combine(Root, "folder");

    public static string Binary => Path.Combine(Root, "binary", "chart-blob.bin");

    public static string PathOf(string input) => input == "folder" ? Folder : Path.GetDirectoryName(Binary)!;

    public static void Ensure()
    {
        var done = Path.Combine(Root, ".complete");
        if (File.Exists(done))
        {
            return;
        }

        var random = new Random(20261128);
        string[] words = ["apiVersion", "kind", "metadata", "name", "namespace", "labels", "app", "spec", "replicas", "containers", "image", "ports", "containerPort", "env", "value", "resources", "limits", "cpu", "memory", "requests", "volumeMounts", "mountPath"];
        for (var i = 0; i < 1000; i++)
        {
            var text = new StringBuilder(10 * 1024);
            while (text.Length < 10 * 1024 - 64)
            {
                text.Append(' ', random.Next(0, 4) * 2).Append(words[random.Next(words.Length)]).Append(": ").Append(words[random.Next(words.Length)]).Append('-').Append(random.Next(100000)).Append('\n');
            }

            var path = Path.Combine(Folder, $"dir{i / 100:D2}", $"manifest-{i:D4}.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text.ToString().PadRight(10 * 1024, '#'));
        }

        var blob = new byte[3 * 1024 * 1024];
        random.NextBytes(blob);
        Directory.CreateDirectory(Path.GetDirectoryName(Binary)!);
        File.WriteAllBytes(Binary, blob);
        File.WriteAllText(done, "ok");
    }
}
