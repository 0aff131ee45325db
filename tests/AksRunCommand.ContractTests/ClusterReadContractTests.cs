using System.Text.Json;
using Microsoft.Kiota.Abstractions;

namespace AksRunCommand.ContractTests;

// The managedClusters reads a fleet rollout selects and preflights clusters with (get, list by subscription, list by
// resource group), through the generated client against a fake ARM: the request on the wire, and every field the
// rollout reads. Bodies carry what the official examples lack (power state, disableRunCommand, the AAD profile).
public sealed class ClusterReadContractTests : IDisposable
{
    private const string Subscription = "11111111-2222-3333-4444-555555555555";
    private const string ResourceGroupPath = "/subscriptions/" + Subscription + "/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/managedClusters";
    private const string SubscriptionPath = "/subscriptions/" + Subscription + "/providers/Microsoft.ContainerService/managedClusters";
    private static readonly string ApiVersion = AksRunCommandClientOptions.DefaultApiVersion;
    private readonly ClusterReadsServer _arm = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task Get_ClusterWithEveryFieldTheRolloutReads_SendsOneGetAndReadsThem()
    {
        var body = Cluster("aks-eu-1", powerState: "Running", disableRunCommand: false, aad: """{"managed":true,"enableAzureRBAC":true,"tenantID":"72f988bf-0000-0000-0000-2d7cd011db47"}""");
        _arm.Answer(ResourceGroupPath + "/aks-eu-1", 200, body);

        var cluster = await ResourceGroup().ManagedClusters["aks-eu-1"].GetAsync(c => c.QueryParameters.ApiVersion = ApiVersion);

        var request = Assert.Single(_arm.Requests);
        Assert.Equal(("GET", ResourceGroupPath + "/aks-eu-1", "?api-version=" + ApiVersion), request);
        Assert.NotNull(cluster);
        Assert.Equal(ClusterFields.Of(Json(body)), ClusterFields.Of(cluster));
        Assert.Equal("Running", ClusterFields.Of(cluster).PowerState); // spelled out once: the comparison above is not vacuous
        Assert.Equal("managed=True azureRBAC=True tenant=72f988bf-0000-0000-0000-2d7cd011db47", ClusterFields.Of(cluster).AadProfile);
        Assert.Equal("ring=canary;team=payments", ClusterFields.Of(cluster).Tags);
    }

    [Fact]
    public async Task Get_StoppedClusterWithRunCommandDisabledAndNoAad_ReadsStoppedTrueAndNoProfile()
    {
        _arm.Answer(ResourceGroupPath + "/aks-eu-2", 200, Cluster("aks-eu-2", powerState: "Stopped", disableRunCommand: true, aad: null));

        var cluster = await ResourceGroup().ManagedClusters["aks-eu-2"].GetAsync(c => c.QueryParameters.ApiVersion = ApiVersion);

        var fields = ClusterFields.Of(cluster!);
        Assert.Equal("Stopped", fields.PowerState);
        Assert.True(fields.DisableRunCommand);
        Assert.Null(fields.AadProfile);
    }

    // Kiota maps a value its enum does not list to null, without an error: a rollout must read a null power state as
    // "unknown", never as "running".
    [Fact]
    public async Task Get_PowerStateTheSpecDoesNotList_ReadsAsNull()
    {
        _arm.Answer(ResourceGroupPath + "/aks-eu-3", 200, Cluster("aks-eu-3", powerState: "Starting", disableRunCommand: false, aad: null));

        var cluster = await ResourceGroup().ManagedClusters["aks-eu-3"].GetAsync(c => c.QueryParameters.ApiVersion = ApiVersion);

        Assert.NotNull(cluster!.Properties!.PowerState);
        Assert.Null(cluster.Properties.PowerState.Code);
        Assert.Equal("Succeeded", cluster.Properties.ProvisioningState);
    }

    // Kiota ignores x-ms-pageable: the caller follows nextLink itself, as given (it carries the api-version and the
    // skip token), through the same request builder's WithUrl.
    [Fact]
    public async Task ListBySubscription_TwoPages_NextLinkIsFollowedAsGiven()
    {
        var nextLink = _arm.Url + SubscriptionPath + "?api-version=" + ApiVersion + "&$skipToken=page2";
        _arm.Answer(SubscriptionPath, 200, $$"""{"value":[{{Cluster("aks-eu-1", "Running", false, null)}}],"nextLink":"{{nextLink}}"}""");
        _arm.Answer(SubscriptionPath, 200, $$"""{"value":[{{Cluster("aks-us-1", "Stopped", true, null)}}]}""", skipToken: "page2");
        var clusters = _arm.CreateClient().Subscriptions[Guid.Parse(Subscription)].Providers.MicrosoftContainerService.ManagedClusters;

        var first = await clusters.GetAsync(c => c.QueryParameters.ApiVersion = ApiVersion);
        var second = await clusters.WithUrl(first!.NextLink!).GetAsync();

        Assert.Equal(["aks-eu-1", "aks-us-1"], first.Value!.Concat(second!.Value!).Select(c => c.Name));
        Assert.Null(second.NextLink);
        Assert.Equal(
            [("GET", SubscriptionPath, "?api-version=" + ApiVersion), ("GET", SubscriptionPath, "?api-version=" + ApiVersion + "&$skipToken=page2")],
            _arm.Requests);
    }

    [Fact]
    public async Task ListByResourceGroup_SendsTheResourceGroupPathAndReadsEachCluster()
    {
        var one = Cluster("aks-eu-1", "Running", false, null);
        var two = Cluster("aks-eu-2", "Stopped", true, """{"managed":true}""");
        _arm.Answer(ResourceGroupPath, 200, $$"""{"value":[{{one}},{{two}}]}""");

        var page = await ResourceGroup().ManagedClusters.GetAsync(c => c.QueryParameters.ApiVersion = ApiVersion);

        Assert.Equal(("GET", ResourceGroupPath, "?api-version=" + ApiVersion), Assert.Single(_arm.Requests));
        Assert.Equal([ClusterFields.Of(Json(one)), ClusterFields.Of(Json(two))], page!.Value!.Select(ClusterFields.Of));
    }

    [Fact]
    public async Task Get_MissingCluster_ThrowsTheGeneratedErrorWithTheArmMessage()
    {
        _arm.Answer(ResourceGroupPath + "/gone", 404, """{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.ContainerService/managedClusters/gone' under resource group 'rg-fleet' was not found."}}""");

        var error = await Assert.ThrowsAnyAsync<ApiException>(() => ResourceGroup().ManagedClusters["gone"].GetAsync(c => c.QueryParameters.ApiVersion = ApiVersion));

        Assert.Equal(404, error.ResponseStatusCode);
        Assert.Equal("The Resource 'Microsoft.ContainerService/managedClusters/gone' under resource group 'rg-fleet' was not found.", error.Message); // x-ms-primary-error-message
    }

    private Generated.Subscriptions.Item.ResourceGroups.Item.Providers.MicrosoftContainerService.MicrosoftContainerServiceRequestBuilder ResourceGroup() =>
        _arm.CreateClient().Subscriptions[Guid.Parse(Subscription)].ResourceGroups["rg-fleet"].Providers.MicrosoftContainerService;

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    // A cluster as ARM returns it: the id in ARM's own casing (resourcegroups), the fields the rollout reads, and more.
    private static string Cluster(string name, string powerState, bool disableRunCommand, string? aad) => $$$"""
        {"id":"/subscriptions/{{{Subscription}}}/resourcegroups/rg-fleet/providers/Microsoft.ContainerService/managedClusters/{{{name}}}",
         "name":"{{{name}}}","type":"Microsoft.ContainerService/ManagedClusters","location":"westeurope",
         "tags":{"team":"payments","ring":"canary"},
         "properties":{"provisioningState":"Succeeded","powerState":{"code":"{{{powerState}}}"},"kubernetesVersion":"1.30.4",
           "apiServerAccessProfile":{"enablePrivateCluster":true,"disableRunCommand":{{{(disableRunCommand ? "true" : "false")}}}}{{{(aad is null ? string.Empty : ",\"aadProfile\":" + aad)}}}}}
        """;
}
