using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AksRunCommand.Cli.Fleet;

/// <summary>
/// What goes to stdout: a table, a JSON report or a Markdown report at the end, or one JSON object per cluster as it
/// finishes; each cluster's logs into --logs-dir. Tables and reports give the counts of each wave when there were
/// several, and why the rollout stopped when it did.
/// </summary>
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

    public void Done(IReadOnlyList<ClusterId> order, FleetSummary summary)
    {
        var sorted = _outcomes.OrderBy(o => IndexOf(order, o.Cluster)).ToList();
        switch (format)
        {
            case "json":
                var waves = summary.Waves.Select(w => new FleetWaveCounts(w.Key, w.Key == 0, w.Value.Total, FleetCounts.CountsOf(w.Value))).ToList();
                host.Out.WriteLine(JsonSerializer.Serialize(new FleetReport(FleetCounts.From(summary), waves, [.. sorted.Select(FleetResult.From)]), FleetJsonContext.Default.FleetReport));
                break;
            case "table":
                WriteTable(sorted, summary);
                break;
            case "markdown":
                WriteMarkdown(sorted, summary);
                break;
        }
    }

    private void WriteTable(List<FleetOutcome> outcomes, FleetSummary summary)
    {
        var waves = summary.Waves.Count > 1;
        IReadOnlyList<string> header = waves
            ? ["CLUSTER", "RESOURCE GROUP", "WAVE", "STATE", "EXIT", "DURATION", "OUTPUT OR ERROR"]
            : ["CLUSTER", "RESOURCE GROUP", "STATE", "EXIT", "DURATION", "OUTPUT OR ERROR"];
        Tables.Text(host.Out, header, outcomes.Select(o => (IReadOnlyList<string>)[
            o.Cluster.ClusterName,
            o.Cluster.ResourceGroupName,
            .. waves ? [WaveName(o.Wave)] : Array.Empty<string>(),
            o.Kind.ToString() + (o.FromJournal ? " (journal)" : string.Empty),
            o.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-",
            Duration(o),
            FirstLine(o, 100)]));
        if (waves)
        {
            host.Out.WriteLine();
            foreach (var (number, counts) in summary.Waves)
            {
                host.Out.WriteLine($"wave {WaveName(number)}: {counts.Total} cluster(s): {counts.Counts()}");
            }
        }
    }

    // For a CI job summary ($GITHUB_STEP_SUMMARY, an Azure Pipelines summary): the summary line, the counts of each
    // wave, then one row per cluster, failures first.
    private void WriteMarkdown(List<FleetOutcome> outcomes, FleetSummary summary)
    {
        var output = host.Out;
        output.WriteLine($"### aks-run fleet: {summary.Total} cluster(s): {Tables.Cell(summary.Counts())}");
        output.WriteLine();
        if (summary.StopReason is { } stop)
        {
            output.WriteLine($"**The rollout stopped:** {Tables.Cell(stop)}. Nothing more was started.");
            output.WriteLine();
        }

        if (summary.Waves.Count > 1)
        {
            Tables.Markdown(output, ["Wave", "Clusters", "Outcomes"], summary.Waves.Select(w => (IReadOnlyList<string>)[WaveName(w.Key), w.Value.Total.ToString(CultureInfo.InvariantCulture), w.Value.Counts()]), 1);
            output.WriteLine();
        }

        var rows = outcomes
            .OrderBy(o => o.IsFailure(summary.SkippedIsFailure) ? 0 : o.Kind == FleetOutcomeKind.Skipped ? 1 : 2)
            .Select(o => (IReadOnlyList<string>)[
                o.Cluster.ClusterName,
                o.Cluster.ResourceGroupName,
                o.Cluster.SubscriptionId.ToString("D"),
                WaveName(o.Wave),
                o.Kind.ToString() + (o.FromJournal ? " (journal)" : string.Empty),
                o.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-",
                o.CommandId ?? "-",
                FirstLine(o, 200)]);
        Tables.Markdown(output, ["Cluster", "Resource group", "Subscription", "Wave", "Outcome", "Exit", "Command id", "Output or error"], rows, 5);
    }

    public static string WaveName(int? wave) => wave switch
    {
        null => "-",
        0 => "0 (canary)",
        { } n => n.ToString(CultureInfo.InvariantCulture),
    };

    private static string Duration(FleetOutcome outcome) =>
        outcome.Result?.Duration is { } d ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalSeconds} s") : "-";

    private static string FirstLine(FleetOutcome outcome, int limit)
    {
        var text = outcome.Kind is FleetOutcomeKind.Succeeded or FleetOutcomeKind.NonZeroExit
            ? outcome.Result?.Logs.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty
            : outcome.ErrorLine ?? string.Empty;
        return text.Length > limit ? text[..(limit - 3)] + "..." : text;
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
