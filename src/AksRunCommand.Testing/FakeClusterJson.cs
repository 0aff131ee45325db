using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AksRunCommand.Testing;

// A managed cluster as ARM's get and list return it (upstream's ManagedClustersGet example is the model): the id in
// ARM's own casing (resourcegroups, as real traffic has it), the type as ARM spells it, and the fields a rollout reads
// (location, tags, provisioningState, powerState.code, apiServerAccessProfile.disableRunCommand, aadProfile) among
// the ones every cluster has. apiServerAccessProfile appears only when run command is disabled, aadProfile only with
// Entra ID, tags only when the cluster has some.
internal static class FakeClusterJson
{
    public const string KubernetesVersion = "1.30.4";

    // A tenant id of the fake's own, so no real tenant appears in test output.
    private const string FakeTenant = "0000aaaa-0000-4000-8000-00000000fa7e";

    public static string Id(ClusterId cluster) =>
        $"/subscriptions/{cluster.SubscriptionId:D}/resourcegroups/{cluster.ResourceGroupName}/providers/Microsoft.ContainerService/managedClusters/{cluster.ClusterName}";

    public static JsonObject Render(ClusterId cluster, FakeCluster? behaviour)
    {
        var location = behaviour?.Location ?? "westeurope";
        var powerState = behaviour?.PowerState ?? "Running";
        var provisioningState = behaviour?.ProvisioningState ?? "Succeeded";
        var dnsPrefix = cluster.ClusterName + "-dns";
        var suffix = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Id(cluster).ToUpperInvariant())))[..8];
        var properties = new JsonObject
        {
            ["provisioningState"] = provisioningState,
            ["powerState"] = new JsonObject { ["code"] = powerState },
            ["kubernetesVersion"] = KubernetesVersion,
            ["currentKubernetesVersion"] = KubernetesVersion,
            ["dnsPrefix"] = dnsPrefix,
            ["fqdn"] = $"{dnsPrefix}-{suffix}.hcp.{location}.azmk8s.io",
            ["azurePortalFQDN"] = $"{dnsPrefix}-{suffix}.portal.hcp.{location}.azmk8s.io",
            ["agentPoolProfiles"] = new JsonArray(new JsonObject
            {
                ["name"] = "nodepool1",
                ["count"] = 3,
                ["vmSize"] = "Standard_DS2_v2",
                ["maxPods"] = 110,
                ["type"] = "VirtualMachineScaleSets",
                ["provisioningState"] = provisioningState,
                ["powerState"] = new JsonObject { ["code"] = powerState },
                ["orchestratorVersion"] = KubernetesVersion,
                ["currentOrchestratorVersion"] = KubernetesVersion,
                ["mode"] = "System",
                ["osType"] = "Linux",
                ["osSKU"] = "Ubuntu",
            }),
            ["nodeResourceGroup"] = $"MC_{cluster.ResourceGroupName}_{cluster.ClusterName}_{location}",
            ["enableRBAC"] = true,
            ["networkProfile"] = new JsonObject
            {
                ["networkPlugin"] = "azure",
                ["loadBalancerSku"] = "standard",
                ["outboundType"] = "loadBalancer",
                ["serviceCidr"] = "10.0.0.0/16",
                ["dnsServiceIP"] = "10.0.0.10",
            },
            ["maxAgentPools"] = 100,
        };
        if (behaviour?.RunCommandIsDisabled == true)
        {
            properties["apiServerAccessProfile"] = new JsonObject { ["enablePrivateCluster"] = false, ["disableRunCommand"] = true };
        }

        if (behaviour?.EntraId == true)
        {
            properties["aadProfile"] = new JsonObject { ["managed"] = true, ["enableAzureRBAC"] = true, ["adminGroupObjectIDs"] = new JsonArray(), ["tenantID"] = FakeTenant };
        }

        var json = new JsonObject
        {
            ["id"] = Id(cluster),
            ["location"] = location,
            ["name"] = cluster.ClusterName,
            ["type"] = "Microsoft.ContainerService/ManagedClusters",
        };
        if (behaviour?.Tags is { Count: > 0 } tags)
        {
            var tagObject = new JsonObject();
            foreach (var (key, value) in tags)
            {
                tagObject[key] = value;
            }

            json["tags"] = tagObject;
        }

        json["sku"] = new JsonObject { ["name"] = "Base", ["tier"] = "Free" };
        json["identity"] = new JsonObject { ["type"] = "SystemAssigned", ["principalId"] = DerivedGuid(cluster, "principal"), ["tenantId"] = FakeTenant };
        json["properties"] = properties;
        return json;
    }

    private static string DerivedGuid(ClusterId cluster, string purpose) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(purpose + Id(cluster).ToUpperInvariant()))[..16]).ToString("D");
}
