using System.CommandLine;
using AksRunCommand.Cli.Fleet;
using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Commands;

/// <summary>
/// <c>aks-run fleet</c>: one command on many clusters, inside ARM's request budget, resumable from a journal.
/// Exit status: 0 when every cluster's command ran and exited 0; 1 when any did not; 255 when the tool itself
/// could not work (bad arguments, an unreadable cluster list, an unusable journal), before any request.
/// </summary>
internal static class FleetCommand
{
    public const int SomeClusterFailed = 1;

    public static Command Create(CliHost host, SharedOptions shared)
    {
        var command = new Option<string>("--command", "-c") { Description = "The command line to run on every cluster.", Required = true };
        var files = new Option<string[]>("--file", "-f") { Description = "Attach a file or folder (as for 'invoke'); the same context goes to every cluster. Repeatable." };
        var clusterFile = new Option<string>("--clusters") { Description = "A file of cluster resource ids, one per line ('-' reads stdin), as 'az aks list --query \"[].id\" -o tsv' prints them; blank lines and # comments are skipped." };
        var clusterIds = new Option<string[]>("--cluster") { Description = "A cluster resource id. Repeatable." };
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
        var output = new Option<string>("--output", "-o") { Description = "table (at the end), json (one array at the end) or jsonl (one object per cluster as it finishes).", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "jsonl");

        var fleet = new Command("fleet", "Run a command on many clusters, inside ARM's request budget; exits 0 when every one ran and exited 0, 1 otherwise.")
        {
            command, files, clusterFile, clusterIds, maxParallel, journal, resend, shared.Timeout, logsDir, shared.Endpoint, shared.ApiVersion, output, shared.Emulator, shared.Verbose,
        };
        fleet.SetAction((parse, ct) => FailureGuard.RunAsync(host, parse.GetValue(shared.Verbose), async () =>
        {
            var content = new RunCommandContent(parse.GetValue(command)!);
            if (parse.GetValue(files) is { Length: > 0 } paths)
            {
                content.Context = CommandContextBuilder.FromCliPaths(paths, host.WorkingDirectory).Build();
            }

            var clusters = ReadClusters(host, parse.GetValue(clusterFile), parse.GetValue(clusterIds) ?? []);
            var emulate = parse.GetValue(shared.Emulator) || clusters.Count == 0;
            using var emulator = emulate ? StartEmulator(host, parse.GetValue(shared.Endpoint), ref clusters) : null;
            var endpoint = emulator?.Endpoint ?? (parse.GetValue(shared.Endpoint) is { } e ? ArmClientFactory.ParseEndpoint(e) : ArmEndpoints.AzurePublicCloud);
            var client = ArmClientFactory.Create(endpoint, parse.GetValue(shared.ApiVersion), host, emulator is not null);
            var status = new FleetStatus(host);
            var options = new FleetRunOptions
            {
                MaxParallel = parse.GetValue(maxParallel),
                JournalPath = parse.GetValue(journal) is { } j ? Path.GetFullPath(j, host.WorkingDirectory) : null,
                ResendPossiblyStarted = parse.GetValue(resend),
                MaxWait = parse.GetValue(shared.Timeout) is { } s ? TimeSpan.FromSeconds(s) : null,
                Progress = status,
            };
            var printer = new FleetOutput(host, parse.GetValue(output)!, parse.GetValue(logsDir));
            var summary = new FleetSummary();
            var run = client.RunOnFleetAsync(clusters, content, options, ct);
            await status.WatchAsync(async () =>
            {
                await foreach (var outcome in run)
                {
                    summary.Add(outcome);
                    status.Finished(outcome, clusters.Count);
                    printer.Finished(outcome);
                }
            });
            printer.Done(clusters);
            status.Summary(summary);
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

    private static FakeAks StartEmulator(CliHost host, string? endpoint, ref List<ClusterId> clusters)
    {
        if (endpoint is not null)
        {
            throw new CliFailure("--endpoint cannot be combined with the emulated fleet (no cluster given, or --emulator).");
        }

        var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = host.TimeProvider });
        EmulatedFleet.Configure(fake);
        var given = clusters.Count > 0;
        if (!given)
        {
            clusters = [.. EmulatedFleet.Clusters];
        }

        host.Error.WriteLine(given
            ? $"aks-run: --emulator: running on {clusters.Count} cluster(s) of the embedded emulator at {fake.Endpoint}; nothing reaches Azure."
            : $"aks-run: no cluster given (--clusters or --cluster): running on the emulated fleet of {clusters.Count} clusters in 3 subscriptions at {fake.Endpoint}; nothing reaches Azure.");
        return fake;
    }
}
