using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AksRunCommand.Cli.Fleet;

/// <summary>What goes to stdout: a table or a JSON array at the end, or one JSON object per cluster as it finishes; each cluster's logs into --logs-dir.</summary>
internal sealed class FleetOutput(CliHost host, string format, string? logsDir)
{
    private readonly List<FleetOutcome> _outcomes = [];

    public void Finished(FleetOutcome outcome)
    {
        _outcomes.Add(outcome);
        if (logsDir is not null && outcome.Result is { } result)
        {
            var path = Path.Combine(Path.GetFullPath(logsDir, host.WorkingDirectory), outcome.Cluster.SubscriptionId.ToString("D"), outcome.Cluster.ResourceGroupName, outcome.Cluster.ClusterName + ".log");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, result.Logs, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }

        if (format == "jsonl")
        {
            host.Out.WriteLine(JsonSerializer.Serialize(FleetResult.From(outcome), FleetJsonContext.Default.FleetResult));
        }
    }

    public void Done(IReadOnlyList<ClusterId> order)
    {
        var sorted = _outcomes.OrderBy(o => IndexOf(order, o.Cluster)).ToList();
        if (format == "json")
        {
            host.Out.WriteLine(JsonSerializer.Serialize(sorted.Select(FleetResult.From).ToList(), FleetJsonContext.Default.ListFleetResult));
        }
        else if (format == "table")
        {
            WriteTable(sorted);
        }
    }

    private void WriteTable(List<FleetOutcome> outcomes)
    {
        string[] header = ["CLUSTER", "RESOURCE GROUP", "STATE", "EXIT", "DURATION", "OUTPUT OR ERROR"];
        var rows = outcomes.Select(o => new[]
        {
            o.Cluster.ClusterName,
            o.Cluster.ResourceGroupName,
            o.Kind.ToString() + (o.FromJournal ? " (journal)" : string.Empty),
            o.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-",
            o.Result?.Duration is { } d ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalSeconds} s") : "-",
            FirstLine(o),
        }).ToList();
        var widths = Enumerable.Range(0, header.Length - 1).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length - 1; i++)
            {
                line.Append(row[i].PadRight(widths[i] + 2));
            }

            host.Out.WriteLine(line.Append(row[^1]).ToString().TrimEnd());
        }
    }

    private static string FirstLine(FleetOutcome outcome)
    {
        var text = outcome.Kind is FleetOutcomeKind.Succeeded or FleetOutcomeKind.NonZeroExit
            ? outcome.Result?.Logs.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty
            : outcome.ErrorLine ?? string.Empty;
        return text.Length > 100 ? text[..97] + "..." : text;
    }

    private static int IndexOf(IReadOnlyList<ClusterId> order, ClusterId cluster)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == cluster)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
