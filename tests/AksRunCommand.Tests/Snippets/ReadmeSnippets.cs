using Azure;
using Azure.Core;
using Azure.Identity;

namespace AksRunCommand.Tests.Snippets;

// The README's code, compiled with the tests; ReadmeSnippetsTests checks the README holds it verbatim.
internal static class ReadmeSnippets
{
    public static async Task<int> GettingStartedAsync(CancellationToken cancellationToken)
    {
        #region Snippet:GettingStarted
        var client = new AksRunCommandClient(new DefaultAzureCredential());
        var cluster = ClusterId.Parse("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1");

        RunCommandOperation operation = await client.RunCommandAsync(
            WaitUntil.Completed, cluster, new RunCommandContent("kubectl get pods -A"), cancellationToken);

        CommandResult result = operation.Value;
        Console.WriteLine(result.Logs);
        Console.WriteLine($"exit code {result.ExitCode} after {result.Duration}");
        #endregion
        return result.ExitCode ?? 255;
    }

    public static async Task AttachFilesAsync(AksRunCommandClient client, ClusterId cluster, CancellationToken cancellationToken)
    {
        #region Snippet:AttachFiles
        CommandContext context = new CommandContextBuilder()
            .AddFile("deploy/ns.yaml")                        // flat, as "ns.yaml"
            .AddDirectory("charts/web", prefix: "web")        // recursively, as "web/Chart.yaml", "web/templates/..."
            .AddText("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n")
            .Build();                                         // checks names, links and size before anything is sent

        var content = new RunCommandContent("kubectl apply -f ns.yaml -f cm.yaml && helm upgrade --install web ./web")
        {
            Context = context,
        };
        RunCommandOperation operation = await client.RunCommandAsync(WaitUntil.Completed, cluster, content, cancellationToken);
        operation.Value.EnsureSuccess(); // throws CommandFailedException on a Failed state or a non-zero exit code
        #endregion
    }

    public static async Task StartAndResumeAsync(AksRunCommandClient client, ClusterId cluster, CancellationToken cancellationToken)
    {
        #region Snippet:StartAndResume
        RunCommandOperation started = await client.RunCommandAsync(WaitUntil.Started, cluster, new RunCommandContent("./long-migration.sh"), cancellationToken);
        string commandId = started.Id; // store it: any process can resume the wait

        RunCommandOperation resumed = client.GetRunCommandOperation(cluster, commandId);
        try
        {
            CommandResult result = await resumed.WaitForCompletionAsync(
                new RunCommandWaitOptions
                {
                    MaxWait = TimeSpan.FromMinutes(30),
                    Progress = new Progress<RunCommandProgress>(p => Console.Error.WriteLine($"{p.State} after {p.Elapsed:mm\\:ss}")),
                },
                cancellationToken);
        }
        catch (RunCommandWaitCanceledException waitStopped)
        {
            // Only the waiting stopped; the command keeps running on the cluster.
            Console.Error.WriteLine($"still running: resume with command id {waitStopped.CommandId}");
        }
        #endregion
    }

    public static AksRunCommandClient SovereignCloud(TokenCredential credential)
    {
        #region Snippet:Options
        var options = new AksRunCommandClientOptions
        {
            Endpoint = ArmEndpoints.AzureUSGovernment,
            Polling = PollingStrategy.Fixed(TimeSpan.FromSeconds(2)),
        };
        options.Retry.MaxRetries = 8;
        var client = new AksRunCommandClient(credential, options);
        #endregion
        return client;
    }

    public static async Task FleetAsync(AksRunCommandClient client, CancellationToken cancellationToken)
    {
        #region Snippet:Fleet
        var clusters = File.ReadLines("clusters.txt").Select(ClusterId.Parse);   // az aks list --query "[].id" -o tsv
        var options = new FleetRunOptions { MaxParallel = 20, JournalPath = "drain.jsonl", MaxWait = TimeSpan.FromMinutes(30) };

        var summary = new FleetSummary();
        await foreach (FleetOutcome outcome in client.RunOnFleetAsync(clusters, new RunCommandContent("kubectl drain --ignore-daemonsets node-1"), options, cancellationToken))
        {
            summary.Add(outcome);
            Console.WriteLine($"{outcome.Cluster.ClusterName}: {outcome.Kind} {outcome.ExitCode} {outcome.CommandId} {outcome.ErrorLine}");
        }

        Console.WriteLine(summary);   // "212 cluster(s): 207 Succeeded, 3 NonZeroExit, 2 Refused"
        #endregion
    }

    public static async Task<List<ClusterId>> SelectClustersAsync(AksRunCommandClient client, Guid subscription, CancellationToken cancellationToken)
    {
        #region Snippet:SelectClusters
        var filter = new ClusterFilter { ResourceGroups = ["rg-prod-weu", "rg-prod-eus"], Tags = ["env=prod", "team"] };
        var selected = new List<ClusterId>();
        await foreach (ManagedClusterInfo cluster in client.ListClustersAsync(subscription, filter, cancellationToken))
        {
            if (cluster.CannotRunCommandReason is { } reason)
            {
                Console.WriteLine($"skip {cluster.Id.ClusterName}: {reason}");   // "skip aks-prod-weu-3: power state Stopped: start it with az aks start"
                continue;
            }

            selected.Add(cluster.Id);
        }
        #endregion
        return selected;
    }
}
