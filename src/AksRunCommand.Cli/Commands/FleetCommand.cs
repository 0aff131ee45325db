using System.CommandLine;
using AksRunCommand.Cli.Fleet;
using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Commands;

/// <summary>
/// <c>aks-run fleet</c>: one command on many clusters, inside ARM's request budget, resumable from a journal.
/// Clusters are named (<c>--clusters FILE|-</c>, <c>--cluster ID</c>) or selected through ARM's managedClusters list
/// (<c>--subscription</c>, with <c>--resource-group</c> and <c>--tag</c>), never both; with neither, the emulated fleet.
/// Clusters that cannot run a command are skipped before any run request (the preflight); a rollout starts a canary,
/// then waves, and stops starting once failures pass a budget; a dry run prints the plan and sends nothing.
/// Exit status: 0 when every cluster's command ran and exited 0 (skipped clusters aside, unless --strict), and for a
/// dry run; 1 when any did not; 255 when the tool itself could not work (bad arguments, an unreadable cluster list,
/// a selection that matched nothing, an unusable journal), before any run request.
/// </summary>
internal static class FleetCommand
{
    public const int SomeClusterFailed = 1;

    public static Command Create(CliHost host, SharedOptions shared)
    {
        var command = new Option<string>("--command", "-c") { Description = "The command line to run on every cluster.", Required = true };
        var files = new Option<string[]>("--file", "-f") { Description = "Attach a file or folder (as for 'invoke'); the same context goes to every cluster. Repeatable." };
        var clusterFile = new Option<string>("--clusters") { Description = "A file of cluster resource ids, one per line ('-' reads stdin), as 'az aks list --query \"[].id\" -o tsv' or 'az graph query ... -o tsv' print them; blank lines and # comments are skipped." };
        var clusterIds = new Option<string[]>("--cluster") { Description = "A cluster resource id. Repeatable." };
        var subscriptions = new Option<string[]>("--subscription") { Description = "Select the clusters of this subscription through ARM's managedClusters list, instead of naming them with --clusters or --cluster. Repeatable." };
        var resourceGroups = new Option<string[]>("--resource-group", "-g") { Description = "With --subscription: only the clusters of this resource group (one list request per group). Repeatable." };
        var tags = new Option<string[]>("--tag") { Description = "With --subscription: only the clusters with this tag: key=value (the value exact) or key (present, any value); keys are case-insensitive; values of one key are ORed, keys ANDed. Repeatable." };
        var maxParallel = new Option<int>("--max-parallel") { Description = "At most this many commands in flight at once (1 to 1,000).", DefaultValueFactory = _ => FleetRunOptions.DefaultMaxParallel };
        maxParallel.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError("--max-parallel must be 1 to 1,000.");
            }
        });
        var journal = new Option<string>("--journal") { Description = "A JSON Lines journal: rerunning with it resumes, waiting for the commands already started and starting only the clusters never attempted." };
        var resend = new Option<bool>("--resend-possibly-started") { Description = "With --journal: send the run request again where an earlier one got no answer (it may have been accepted)." };
        var logsDir = new Option<string>("--logs-dir") { Description = "Write each cluster's logs to DIR/<subscription>/<resource group>/<cluster>.log." };
        var output = new Option<string>("--output", "-o") { Description = "table (at the end), json (one report at the end: counts, waves, results), jsonl (one object per cluster as it finishes) or markdown (a report for a CI job summary, failures first).", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "jsonl", "markdown");
        var rollout = new RolloutOptions();

        var fleet = new Command("fleet", "Run a command on many clusters, inside ARM's request budget; exits 0 when every one ran and exited 0, 1 otherwise.")
        {
            command, files, clusterFile, clusterIds, subscriptions, resourceGroups, tags, maxParallel, journal, resend, shared.Timeout, logsDir, shared.Endpoint, shared.ApiVersion, output, shared.Emulator, shared.Verbose,
        };
        foreach (var option in rollout.All)
        {
            fleet.Options.Add(option);
        }

        fleet.SetAction((parse, ct) => FailureGuard.RunAsync(host, parse.GetValue(shared.Verbose), async () =>
        {
            // Every flag is checked before anything is read or sent.
            var selection = Selection.From(parse.GetValue(subscriptions) ?? [], parse.GetValue(resourceGroups) ?? [], parse.GetValue(tags) ?? [], named: parse.GetValue(clusterFile) is not null || parse.GetValue(clusterIds) is { Length: > 0 });
            var content = new RunCommandContent(parse.GetValue(command)!);
            if (parse.GetValue(files) is { Length: > 0 } paths)
            {
                content.Context = CommandContextBuilder.FromCliPaths(paths, host.WorkingDirectory).Build();
            }

            var named = ReadClusters(host, parse.GetValue(clusterFile), parse.GetValue(clusterIds) ?? []);
            var emulate = parse.GetValue(shared.Emulator) || (named.Count == 0 && selection is null);
            using var emulator = emulate ? StartEmulator(host, parse.GetValue(shared.Endpoint), named.Count, selection is not null) : null;
            var endpoint = emulator?.Endpoint ?? (parse.GetValue(shared.Endpoint) is { } e ? ArmClientFactory.ParseEndpoint(e) : ArmEndpoints.AzurePublicCloud);
            var client = ArmClientFactory.Create(endpoint, parse.GetValue(shared.ApiVersion), host, emulator is not null);

            // The clusters, and what ARM said of each when they were selected through its list (the preflight's input).
            FleetSelection chosen;
            if (selection is not null)
            {
                chosen = await ClusterSelection.SelectAsync(client, selection.Subscriptions, selection.Filter, ct);
                var conditions = selection.Filter.ToString();
                host.Error.WriteLine($"aks-run: selected {chosen.Clusters.Count} cluster(s) in {(selection.Subscriptions.Count == 1 ? "subscription" : "subscriptions")} {string.Join(", ", selection.Subscriptions.Select(s => s.ToString("D")))}{(conditions.Length == 0 ? string.Empty : " matching " + conditions)}.");
            }
            else
            {
                chosen = FleetSelection.Named(named.Count > 0 ? named : EmulatedFleet.Clusters);
            }

            var clusters = chosen.Clusters;
            var endpointFlag = parse.GetValue(shared.Endpoint);
            var apiVersionFlag = parse.GetValue(shared.ApiVersion);
            var status = new FleetStatus(host, cluster => emulator is not null
                ? null // the embedded emulator keeps nothing between runs: there is nothing to resume
                : ClusterConnection.ResumeFlags(cluster, endpointFlag, apiVersionFlag, emulator: false));
            var options = new FleetRunOptions
            {
                MaxParallel = parse.GetValue(maxParallel),
                JournalPath = parse.GetValue(journal) is { } j ? Path.GetFullPath(j, host.WorkingDirectory) : null,
                ResendPossiblyStarted = parse.GetValue(resend),
                MaxWait = parse.GetValue(shared.Timeout) is { } s ? TimeSpan.FromSeconds(s) : null,
                Progress = status,
            };
            rollout.Apply(parse, options);
            var format = parse.GetValue(output)!;

            // Selected clusters are preflighted from what ARM's list said; named ones with one GET each.
            var listed = selection is null ? null : clusters.Select(c => chosen.Info[c]).ToList();
            if (parse.GetValue(rollout.DryRun))
            {
                var plan = listed is null ? await client.PlanFleetAsync(clusters, content, options, ct) : await client.PlanFleetAsync(listed, content, options, ct);
                FleetPlanOutput.Write(host, format, plan);
                return 0;
            }

            var printer = new FleetOutput(host, format, parse.GetValue(logsDir));
            var summary = new FleetSummary(options.SkippedIsFailure);
            var run = listed is null ? client.RunOnFleetAsync(clusters, content, options, ct) : client.RunOnFleetAsync(listed, content, options, ct);
            await status.WatchAsync(async () =>
            {
                await foreach (var outcome in run)
                {
                    summary.Add(outcome);
                    status.Finished(outcome, clusters.Count);
                    printer.Finished(outcome);
                }
            });
            printer.Done(clusters, summary);
            status.Summary(summary, options.JournalPath);
            if (ct.IsCancellationRequested)
            {
                status.Stopped(summary, options.JournalPath);
            }

            return summary.AllSucceeded ? 0 : SomeClusterFailed;
        }));
        return fleet;
    }

    private static List<ClusterId> ReadClusters(CliHost host, string? file, string[] ids)
    {
        var clusters = new List<ClusterId>();
        if (file is not null)
        {
            TextReader reader;
            try
            {
                reader = file == "-" ? host.In : new StreamReader(Path.GetFullPath(file, host.WorkingDirectory));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliFailure($"--clusters '{file}' cannot be read: {e.Message}");
            }

            using (file == "-" ? null : reader)
            {
                clusters.AddRange(ClusterList.Read(reader, file == "-" ? "stdin" : file));
            }
        }

        if (ids.Length > 0)
        {
            var given = ClusterList.Read(new StringReader(string.Join('\n', ids)), "--cluster");
            foreach (var cluster in given)
            {
                if (clusters.Contains(cluster))
                {
                    throw new CliFailure($"--cluster {cluster.ResourceId} is also in --clusters; each cluster runs the command once.");
                }

                clusters.Add(cluster);
            }
        }

        return clusters;
    }

    private static FakeAks StartEmulator(CliHost host, string? endpoint, int named, bool selecting)
    {
        if (endpoint is not null)
        {
            throw new CliFailure("--endpoint cannot be combined with the emulated fleet (no cluster given, or --emulator).");
        }

        var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = host.TimeProvider });
        EmulatedFleet.Configure(fake);
        host.Error.WriteLine(
            selecting ? $"aks-run: --emulator: selecting among the emulated fleet's {EmulatedFleet.Clusters.Count} clusters in 3 subscriptions through its managedClusters list at {fake.Endpoint}; nothing reaches Azure."
            : named > 0 ? $"aks-run: --emulator: running on {named} cluster(s) of the embedded emulator at {fake.Endpoint}; nothing reaches Azure."
            : $"aks-run: no cluster given (--clusters, --cluster or --subscription): running on the emulated fleet of {EmulatedFleet.Clusters.Count} clusters in 3 subscriptions at {fake.Endpoint}; nothing reaches Azure.");
        return fake;
    }

    // --subscription, --resource-group and --tag: checked before anything is read or sent. Null when none is given.
    private sealed record Selection(IReadOnlyList<Guid> Subscriptions, ClusterFilter Filter)
    {
        public static Selection? From(string[] subscriptions, string[] resourceGroups, string[] tags, bool named)
        {
            if (subscriptions.Length == 0 && resourceGroups.Length == 0 && tags.Length == 0)
            {
                return null;
            }

            if (named)
            {
                throw new CliFailure("--clusters and --cluster name the clusters, --subscription (with --resource-group and --tag) selects them through ARM: use one or the other, not both.");
            }

            if (subscriptions.Length == 0)
            {
                throw new CliFailure("--resource-group and --tag filter the clusters of a subscription: give --subscription too.");
            }

            var ids = new List<Guid>();
            foreach (var text in subscriptions)
            {
                if (!Guid.TryParseExact(text.Trim(), "D", out var id))
                {
                    throw new CliFailure($"--subscription '{text}' is not a subscription id: it must look like 00000000-0000-0000-0000-000000000000.");
                }

                if (ids.Contains(id))
                {
                    throw new CliFailure($"--subscription {id:D} is given twice.");
                }

                ids.Add(id);
            }

            try
            {
                return new Selection(ids, new ClusterFilter(resourceGroups, tags));
            }
            catch (ArgumentException invalid)
            {
                // The library names its properties; the command line names its flags.
                var message = invalid.Message.Replace($" (Parameter '{invalid.ParamName}')", string.Empty, StringComparison.Ordinal);
                throw new CliFailure(message.StartsWith("Tags: ", StringComparison.Ordinal) ? "--tag " + message["Tags: ".Length..]
                    : message.StartsWith("ResourceGroups: ", StringComparison.Ordinal) ? "--resource-group " + message["ResourceGroups: ".Length..]
                    : message);
            }
        }
    }
}
