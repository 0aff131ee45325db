namespace AksRunCommand.Cli.Fleet;

/// <summary>
/// The clusters of a fleet run: ARM resource ids one per line, as <c>az aks list --query "[].id" -o tsv</c>
/// prints them; blank lines and <c># comments</c> skipped; every id checked, and duplicates refused, naming the
/// line, before the first request.
/// </summary>
internal static class ClusterList
{
    public static List<ClusterId> Read(TextReader reader, string source)
    {
        var clusters = new List<ClusterId>();
        var lines = new Dictionary<ClusterId, int>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            ClusterId cluster;
            try
            {
                cluster = ClusterId.Parse(text);
            }
            catch (ArgumentException e)
            {
                throw new CliFailure($"{source} line {number}: {e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal)}");
            }

            if (lines.TryGetValue(cluster, out var first))
            {
                throw new CliFailure($"{source} line {number}: cluster {cluster.ResourceId} is already on line {first}; each cluster runs the command once.");
            }

            lines[cluster] = number;
            clusters.Add(cluster);
        }

        return clusters;
    }
}
