using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Fleet;

/// <summary>
/// The fleet <c>aks-run fleet</c> runs against without a cluster list: 12 clusters in 3 subscriptions on the
/// embedded fake, most of them healthy, a few failing the ways real fleets do. Any command works on it.
/// </summary>
internal static class EmulatedFleet
{
    private static readonly Guid Prod = Guid.Parse("11111111-0000-4000-8000-000000000001");
    private static readonly Guid Staging = Guid.Parse("22222222-0000-4000-8000-000000000002");
    private static readonly Guid Dev = Guid.Parse("33333333-0000-4000-8000-000000000003");

    public static IReadOnlyList<ClusterId> Clusters { get; } =
    [
        new(Prod, "rg-prod-weu", "aks-prod-weu-1"), new(Prod, "rg-prod-weu", "aks-prod-weu-2"), new(Prod, "rg-prod-eus", "aks-prod-eus-1"), new(Prod, "rg-prod-eus", "aks-prod-eus-2"),
        new(Staging, "rg-staging", "aks-staging-1"), new(Staging, "rg-staging", "aks-staging-2"), new(Staging, "rg-staging", "aks-staging-entra"), new(Staging, "rg-staging", "aks-staging-busy"),
        new(Dev, "rg-dev", "aks-dev-1"), new(Dev, "rg-dev", "aks-dev-pull"), new(Dev, "rg-dev", "aks-dev-deleted"), new(Dev, "rg-dev-locked", "aks-dev-locked"),
    ];

    /// <summary>Gives each cluster its behaviour on <paramref name="fake"/>.</summary>
    public static void Configure(FakeAks fake)
    {
        var seconds = new[] { 2, 3, 2, 4, 3, 2, 2, 0, 1, 2, 0, 0 };
        for (var i = 0; i < Clusters.Count; i++)
        {
            var cluster = fake.Cluster(Clusters[i]);
            var name = Clusters[i].ClusterName;
            var run = TimeSpan.FromSeconds(seconds[i]);
            switch (name)
            {
                case "aks-prod-eus-2":
                    cluster.WhenMatches(".*").RunningFor(run).ExitsWith(1, "error: deployment \"web\" exceeded its progress deadline\n");
                    break;
                case "aks-staging-entra":
                    cluster.RequiresClusterToken().WhenMatches(".*").RunningFor(run).ExitsWith(0, $"[{name}] done (Microsoft Entra ID cluster: sent again with a cluster token)\n");
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
                default:
                    cluster.WhenMatches(".*").RunningFor(run).ExitsWith(0, $"[{name}] done\n");
                    break;
            }
        }
    }
}
