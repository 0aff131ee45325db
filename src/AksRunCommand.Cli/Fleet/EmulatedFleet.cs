using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Fleet;

/// <summary>
/// The fleet <c>aks-run fleet</c> runs against without a cluster list: 14 clusters in 3 subscriptions on the
/// embedded fake, most of them healthy, a few failing the ways real fleets do (one stopped, one with run command
/// disabled). Each has a location and tags (<c>env</c>, <c>team</c>, and <c>ring</c> in production), so selection by
/// subscription, resource group and tag (<c>--subscription</c>, <c>--resource-group</c>, <c>--tag</c>) works on it
/// through the fake's managedClusters list. Any command works on it.
/// </summary>
internal static class EmulatedFleet
{
    public static readonly Guid Prod = Guid.Parse("11111111-0000-4000-8000-000000000001");
    public static readonly Guid Staging = Guid.Parse("22222222-0000-4000-8000-000000000002");
    public static readonly Guid Dev = Guid.Parse("33333333-0000-4000-8000-000000000003");

    private static readonly (ClusterId Id, int Seconds, string Location, (string, string)[] Tags)[] Members =
    [
        (new(Prod, "rg-prod-weu", "aks-prod-weu-1"), 2, "westeurope", [("env", "prod"), ("team", "payments"), ("ring", "canary")]),
        (new(Prod, "rg-prod-weu", "aks-prod-weu-2"), 3, "westeurope", [("env", "prod"), ("team", "payments"), ("ring", "main")]),
        (new(Prod, "rg-prod-eus", "aks-prod-eus-1"), 2, "eastus", [("env", "prod"), ("team", "search"), ("ring", "main")]),
        (new(Prod, "rg-prod-eus", "aks-prod-eus-2"), 4, "eastus", [("env", "prod"), ("team", "search"), ("ring", "main")]),
        (new(Staging, "rg-staging", "aks-staging-1"), 3, "northeurope", [("env", "staging"), ("team", "platform")]),
        (new(Staging, "rg-staging", "aks-staging-2"), 2, "northeurope", [("env", "staging"), ("team", "platform")]),
        (new(Staging, "rg-staging", "aks-staging-entra"), 2, "northeurope", [("env", "staging"), ("team", "identity")]),
        (new(Staging, "rg-staging", "aks-staging-busy"), 0, "northeurope", [("env", "staging"), ("team", "platform")]),
        (new(Dev, "rg-dev", "aks-dev-1"), 1, "westus2", [("env", "dev"), ("team", "platform")]),
        (new(Dev, "rg-dev", "aks-dev-pull"), 2, "westus2", [("env", "dev"), ("team", "platform")]),
        (new(Dev, "rg-dev", "aks-dev-deleted"), 0, "westus2", [("env", "dev"), ("team", "platform")]),
        (new(Dev, "rg-dev-locked", "aks-dev-locked"), 0, "westus2", [("env", "dev"), ("team", "security")]),
        (new(Prod, "rg-prod-weu", "aks-prod-weu-norun"), 0, "westeurope", [("env", "prod"), ("team", "payments"), ("ring", "main")]),
        (new(Dev, "rg-dev", "aks-dev-stopped"), 0, "westus2", [("env", "dev"), ("team", "platform")]),
    ];

    public static IReadOnlyList<ClusterId> Clusters { get; } = [.. Members.Select(m => m.Id)];

    /// <summary>Gives each cluster its behaviour, location and tags on <paramref name="fake"/>.</summary>
    public static void Configure(FakeAks fake)
    {
        foreach (var (id, seconds, location, tags) in Members)
        {
            var cluster = fake.Cluster(id).InLocation(location).WithTags(tags);
            var name = id.ClusterName;
            var run = TimeSpan.FromSeconds(seconds);
            switch (name)
            {
                case "aks-prod-eus-2":
                    cluster.WhenMatches(".*").RunningFor(run).ExitsWith(1, "error: deployment \"web\" exceeded its progress deadline\n");
                    break;
                case "aks-staging-entra":
                    cluster.WithEntraId().WhenMatches(".*").RunningFor(run).ExitsWith(0, $"[{name}] done (Microsoft Entra ID cluster: sent again with a cluster token)\n");
                    break;
                case "aks-staging-busy":
                    cluster.RefusesEveryStart(FakeFault.ArmError(400, "KubernetesPerformanceError", "Failed to create the command pod: the cluster is under high load; retry later."));
                    break;
                case "aks-dev-pull":
                    cluster.WhenMatches(".*").RunningFor(run).Fails("ImagePullBackoff");
                    break;
                case "aks-dev-deleted":
                    cluster.DoesNotExist();
                    break;
                case "aks-dev-locked":
                    cluster.Forbids();
                    break;
                case "aks-prod-weu-norun":
                    cluster.RunCommandDisabled();
                    break;
                case "aks-dev-stopped":
                    cluster.Stopped();
                    break;
                default:
                    cluster.WhenMatches(".*").RunningFor(run).ExitsWith(0, $"[{name}] done\n");
                    break;
            }
        }
    }
}
