using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AksRunCommand.Cli.Fleet;

/// <summary>
/// What <c>aks-run fleet --dry-run</c> prints: the plan, one row per cluster in the order it would be handled (what an
/// earlier run settled, the skips, the commands waited for again, then each wave), in the --output format; a summary
/// line on stderr.
/// </summary>
internal static class FleetPlanOutput
{
    public static void Write(CliHost host, string format, FleetPlan plan)
    {
        var rows = Rows(plan);
        switch (format)
        {
            case "json":
                var waves = plan.Waves.Select(w => new FleetPlanWave(w.Number, w.IsCanary, [.. w.Clusters.Select(c => c.Cluster.ResourceId)])).ToList();
                host.Out.WriteLine(JsonSerializer.Serialize(new FleetPlanReport(plan.Total, waves, rows), FleetJsonContext.Default.FleetPlanReport));
                break;
            case "jsonl":
                foreach (var row in rows)
                {
                    host.Out.WriteLine(JsonSerializer.Serialize(row, FleetJsonContext.Default.FleetPlanRow));
                }

                break;
            case "markdown":
                host.Out.WriteLine($"### aks-run fleet --dry-run: {Summary(plan)}");
                host.Out.WriteLine();
                Tables.Markdown(host.Out, ["Cluster", "Resource group", "Subscription", "Wave", "Action", "Reason"], rows.Select(Cells(markdown: true)));
                break;
            default:
                Tables.Text(host.Out, ["CLUSTER", "RESOURCE GROUP", "WAVE", "ACTION", "REASON"], rows.Select(Cells(markdown: false)));
                break;
        }

        host.Error.WriteLine($"aks-run: dry run: {Summary(plan)}; nothing was sent.");
    }

    /// <summary>"14 cluster(s): 9 to run in 3 wave(s) (canary 1, then 4, 4), 3 skipped, 1 waited for again, 1 settled earlier".</summary>
    public static string Summary(FleetPlan plan)
    {
        var run = plan.Waves.Sum(w => w.Clusters.Count);
        var waves = string.Join(", ", plan.Waves.Where(w => !w.IsCanary).Select(w => w.Clusters.Count.ToString(CultureInfo.InvariantCulture)));
        var sizes = plan.Waves.FirstOrDefault(w => w.IsCanary) is { } canary
            ? string.Create(CultureInfo.InvariantCulture, $"canary {canary.Clusters.Count}{(waves.Length > 0 ? ", then " + waves : string.Empty)}")
            : waves;
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"{run} to run in {plan.Waves.Count} wave(s){(plan.Waves.Count > 0 ? $" ({sizes})" : string.Empty)}") };
        if (plan.Skipped.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{plan.Skipped.Count} skipped"));
        }

        if (plan.Resumed.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{plan.Resumed.Count} waited for again"));
        }

        if (plan.Settled.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{plan.Settled.Count} settled by an earlier run"));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{plan.Total} cluster(s): {string.Join(", ", parts)}");
    }

    private static List<FleetPlanRow> Rows(FleetPlan plan) =>
    [
        .. plan.Settled.Select(e => Row(e, null)),
        .. plan.Skipped.Select(e => Row(e, null)),
        .. plan.Resumed.Select(e => Row(e, null)),
        .. plan.Waves.SelectMany(w => w.Clusters.Select(e => Row(e, w.Number))),
    ];

    private static FleetPlanRow Row(FleetPlanEntry entry, int? wave) =>
        new(entry.Cluster.ResourceId, entry.Action.ToString(), wave, entry.Reason, entry.CommandId);

    private static Func<FleetPlanRow, IReadOnlyList<string>> Cells(bool markdown) => row =>
    {
        var cluster = ClusterId.Parse(row.Cluster);
        var reason = row.CommandId is null ? row.Reason ?? string.Empty : $"{row.Reason} (command {row.CommandId})";
        return markdown
            ? [cluster.ClusterName, cluster.ResourceGroupName, cluster.SubscriptionId.ToString("D"), FleetOutput.WaveName(row.Wave), row.Action, reason]
            : [cluster.ClusterName, cluster.ResourceGroupName, FleetOutput.WaveName(row.Wave), row.Action, reason];
    };
}

/// <summary>What <c>--dry-run -o json</c> prints: the clusters in all, each wave's clusters, and one row per cluster.</summary>
internal sealed record FleetPlanReport(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("waves")] List<FleetPlanWave> Waves,
    [property: JsonPropertyName("clusters")] List<FleetPlanRow> Clusters);

/// <summary>One wave of a plan: its number (0 is the canary) and its clusters in the order they would start.</summary>
internal sealed record FleetPlanWave(
    [property: JsonPropertyName("wave")] int Wave,
    [property: JsonPropertyName("canary")] bool Canary,
    [property: JsonPropertyName("clusters")] List<string> Clusters);

/// <summary>One cluster of a plan (a line of <c>--dry-run -o jsonl</c>): Run, Resume, Skip or Settled, its wave, why, the command id known.</summary>
internal sealed record FleetPlanRow(
    [property: JsonPropertyName("cluster")] string Cluster,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("wave")] int? Wave,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("commandId")] string? CommandId);
