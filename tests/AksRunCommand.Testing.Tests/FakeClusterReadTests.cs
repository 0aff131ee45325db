using System.Text;
using System.Text.Json;

namespace AksRunCommand.Testing.Tests;

// The fake's managedClusters reads on the wire: the JSON each FakeCluster setting gives (shaped like upstream's
// ManagedClustersGet example, with ARM's own id casing and type), pages with an absolute nextLink, the resource
// provider's LIST limit, and how stopped and run-command-disabled clusters answer a run request.
public sealed class FakeClusterReadTests : IDisposable
{
    private const string Subscription = "11111111-0000-4000-8000-000000000001";
    private const string ApiVersion = "2024-02-01";
    private readonly ManualClock _clock = new();
    private readonly HttpClient _http = new();
    private readonly List<FakeAks> _fakes = [];

    public void Dispose()
    {
        _fakes.ForEach(f => f.Dispose());
        _http.Dispose();
    }

    [Fact]
    public async Task Get_ADefaultCluster_LooksLikeArmWithoutTheOptionalProfiles()
    {
        var fake = Start();
        var id = fake.Cluster(new ClusterId(Subscription, "Rg-Web", "aks-web")).Id;

        var (status, json) = await GetAsync(fake, Path(id));

        Assert.Equal(200, status);
        Assert.Equal($"/subscriptions/{Subscription}/resourcegroups/Rg-Web/providers/Microsoft.ContainerService/managedClusters/aks-web", json.GetProperty("id").GetString());
        Assert.Equal(("aks-web", "Microsoft.ContainerService/ManagedClusters", "westeurope"), (json.GetProperty("name").GetString(), json.GetProperty("type").GetString(), json.GetProperty("location").GetString()));
        var properties = json.GetProperty("properties");
        Assert.Equal(("Succeeded", "Running", "1.30.4"), (properties.GetProperty("provisioningState").GetString(), properties.GetProperty("powerState").GetProperty("code").GetString(), properties.GetProperty("kubernetesVersion").GetString()));
        Assert.Equal("MC_Rg-Web_aks-web_westeurope", properties.GetProperty("nodeResourceGroup").GetString());
        Assert.EndsWith(".hcp.westeurope.azmk8s.io", properties.GetProperty("fqdn").GetString(), StringComparison.Ordinal);
        Assert.False(json.TryGetProperty("tags", out _));
        Assert.False(properties.TryGetProperty("apiServerAccessProfile", out _));
        Assert.False(properties.TryGetProperty("aadProfile", out _));
    }

    [Fact]
    public async Task Get_EverySetting_ShowsInTheJson()
    {
        var fake = Start();
        var id = fake.Cluster(new ClusterId(Subscription, "rg", "aks-all"))
            .InLocation("eastus2").WithTags(("env", "prod"), ("Team", "payments")).Stopped().RunCommandDisabled().InProvisioningState("Upgrading").WithEntraId().Id;

        var (_, json) = await GetAsync(fake, Path(id));

        Assert.Equal("eastus2", json.GetProperty("location").GetString());
        Assert.Equal("env=prod;Team=payments", string.Join(";", json.GetProperty("tags").EnumerateObject().Select(t => $"{t.Name}={t.Value.GetString()}")));
        var properties = json.GetProperty("properties");
        Assert.Equal(("Upgrading", "Stopped"), (properties.GetProperty("provisioningState").GetString(), properties.GetProperty("powerState").GetProperty("code").GetString()));
        Assert.True(properties.GetProperty("apiServerAccessProfile").GetProperty("disableRunCommand").GetBoolean());
        Assert.True(properties.GetProperty("aadProfile").GetProperty("managed").GetBoolean());
        Assert.Equal("Stopped", properties.GetProperty("agentPoolProfiles")[0].GetProperty("powerState").GetProperty("code").GetString());
        Assert.Equal("MC_rg_aks-all_eastus2", properties.GetProperty("nodeResourceGroup").GetString());
    }

    [Fact]
    public async Task Get_ACustomPowerState_IsSentAsGiven()
    {
        var fake = Start();
        var id = fake.Cluster(new ClusterId(Subscription, "rg", "aks-starting")).InPowerState("Starting").Id;

        var (_, json) = await GetAsync(fake, Path(id));

        Assert.Equal("Starting", json.GetProperty("properties").GetProperty("powerState").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Get_AClusterThatDoesNotExist_Is404AndIsNotListed()
    {
        var fake = Start();
        var gone = fake.Cluster(new ClusterId(Subscription, "rg", "gone")).DoesNotExist().Id;
        fake.Cluster(new ClusterId(Subscription, "rg", "here"));

        var (status, error) = await GetAsync(fake, Path(gone));
        var (_, list) = await GetAsync(fake, $"/subscriptions/{Subscription}/providers/Microsoft.ContainerService/managedClusters");

        Assert.Equal((404, "ResourceNotFound"), (status, error.GetProperty("error").GetProperty("code").GetString()));
        Assert.Equal(["here"], list.GetProperty("value").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public void WithTags_AKeyTwiceInOtherCasing_IsRefused()
    {
        var fake = Start();

        var error = Assert.Throws<ArgumentException>(() => fake.Cluster(new ClusterId(Subscription, "rg", "aks")).WithTags(("env", "a"), ("ENV", "b")));

        Assert.StartsWith("tags: the key 'ENV' is given twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_PagesOfTwo_CarryAnAbsoluteNextLinkOnTheFakeWithASkipToken()
    {
        var fake = Start(o => o.ListPageSize = 2);
        for (var i = 0; i < 5; i++)
        {
            fake.Cluster(new ClusterId(Subscription, i % 2 == 0 ? "rg-even" : "rg-odd", $"aks-{i}"));
        }

        var names = new List<string?>();
        var links = new List<string?>();
        var next = $"{fake.Endpoint.GetLeftPart(UriPartial.Authority)}/subscriptions/{Subscription}/providers/Microsoft.ContainerService/managedClusters?api-version={ApiVersion}";
        while (next is not null)
        {
            using var response = await _http.GetAsync(new Uri(next));
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            names.AddRange(page.RootElement.GetProperty("value").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
            next = page.RootElement.TryGetProperty("nextLink", out var link) ? link.GetString() : null;
            links.Add(next);
        }

        var root = fake.Endpoint.GetLeftPart(UriPartial.Authority) + $"/subscriptions/{Subscription}/providers/Microsoft.ContainerService/managedClusters?api-version={ApiVersion}&$skipToken=";
        Assert.Equal(["aks-0", "aks-1", "aks-2", "aks-3", "aks-4"], names);
        Assert.Equal([root + "2", root + "4", null], links);
        Assert.Equal([null, "2", "4"], fake.ClusterReads.Select(r => r.SkipToken));

        var (_, odd) = await GetAsync(fake, $"/subscriptions/{Subscription}/resourceGroups/RG-ODD/providers/Microsoft.ContainerService/managedClusters");
        Assert.Equal(["aks-1", "aks-3"], odd.GetProperty("value").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal((ClusterReadOperation.ListByResourceGroup, "RG-ODD", 2), (fake.ClusterReads[^1].Operation, fake.ClusterReads[^1].ResourceGroup, fake.ClusterReads[^1].Clusters));
    }

    [Fact]
    public async Task List_ABadSkipToken_Is400()
    {
        var fake = Start();

        var (status, error) = await GetAsync(fake, $"/subscriptions/{Subscription}/providers/Microsoft.ContainerService/managedClusters", "&$skipToken=minus-one");

        Assert.Equal((400, "InvalidSkipToken"), (status, error.GetProperty("error").GetProperty("code").GetString()));
    }

    [Fact]
    public async Task List_TheResourceProvidersLimit_Answers429WithRetryAfterAndNoRemainingHeader_PerSubscriptionAndPerResourceGroup()
    {
        var fake = Start(o => o.Throttling = new FakeArmThrottling { ListCapacity = 2, ListPerSecond = 1, ListPerResourceGroupCapacity = 1, ListPerResourceGroupPerSecond = 0.5 });
        var subscriptionList = $"/subscriptions/{Subscription}/providers/Microsoft.ContainerService/managedClusters";
        var groupList = $"/subscriptions/{Subscription}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters";

        var answers = new List<(int, string?, bool)>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await SendAsync(fake, subscriptionList));
        }

        answers.Add(await SendAsync(fake, groupList)); // its own bucket
        answers.Add(await SendAsync(fake, groupList));
        answers.Add(await SendAsync(fake, $"/subscriptions/{Subscription}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks")); // a get is not a list

        Assert.Equal([(200, null, true), (200, null, true), (429, "1", false), (200, null, true), (429, "2", false), (200, null, true)], answers);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await SendAsync(fake, subscriptionList)).Status);
    }

    [Fact]
    public void Throttling_WithoutTheNewProperties_HasNoListLimit()
    {
        Assert.Equal((null, null, 1.0, 1.0), (FakeArmThrottling.TokenBucketScheme.ListCapacity, new FakeArmThrottling().ListPerResourceGroupCapacity, new FakeArmThrottling().ListPerSecond, new FakeArmThrottling().ListPerResourceGroupPerSecond));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FakeArmThrottling { ListCapacity = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FakeAksOptions { ListPageSize = 0 });
    }

    [Fact]
    public async Task RunRequest_OnAStoppedCluster_Is409OperationNotAllowedSayingItIsStopped()
    {
        var fake = Start();
        var id = fake.Cluster(new ClusterId(Subscription, "rg", "aks-stopped")).Stopped().Id;

        var (status, error) = await RunAsync(fake, id);

        Assert.Equal(409, status);
        Assert.Equal("OperationNotAllowed", error.GetProperty("code").GetString());
        Assert.Equal("Operation is not allowed because the managed cluster 'aks-stopped' is stopped (powerState Stopped). Start it with 'az aks start' and run the command again.", error.GetProperty("message").GetString());
        Assert.Equal((409, null), (Assert.Single(fake.Runs).Status, fake.Runs[0].CommandId));
    }

    [Fact]
    public async Task RunRequest_OnAClusterWithRunCommandDisabled_Is400SayingItIsDisabled()
    {
        var fake = Start();
        var id = fake.Cluster(new ClusterId(Subscription, "rg", "aks-locked")).RunCommandDisabled().Id;

        var (status, error) = await RunAsync(fake, id);

        Assert.Equal((400, "OperationNotAllowed"), (status, error.GetProperty("code").GetString()));
        Assert.Contains("Run command is disabled on the managed cluster 'aks-locked' (apiServerAccessProfile.disableRunCommand is true)", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunRequest_OnAnEntraIdClusterWithoutAClusterToken_IsMissingAADClusterToken()
    {
        var fake = Start();
        var id = fake.Cluster(new ClusterId(Subscription, "rg", "aks-entra")).WithEntraId().Id;

        var (status, error) = await RunAsync(fake, id);

        Assert.Equal((400, "MissingAADClusterToken"), (status, error.GetProperty("code").GetString()));
    }

    private FakeAks Start(Action<FakeAksOptions>? configure = null)
    {
        var options = new FakeAksOptions { TimeProvider = _clock };
        configure?.Invoke(options);
        var fake = FakeAks.Start(options);
        _fakes.Add(fake);
        return fake;
    }

    private static string Path(ClusterId id) => id.ResourceId;

    private async Task<(int Status, JsonElement Json)> GetAsync(FakeAks fake, string path, string query = "")
    {
        using var response = await _http.GetAsync(new Uri(fake.Endpoint, $"{path}?api-version={ApiVersion}{query}"));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    private async Task<(int Status, string? RetryAfter, bool RemainingHeader)> SendAsync(FakeAks fake, string path)
    {
        using var response = await _http.GetAsync(new Uri(fake.Endpoint, $"{path}?api-version={ApiVersion}"));
        return ((int)response.StatusCode, response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null, response.Headers.Contains("x-ms-ratelimit-remaining-subscription-reads"));
    }

    private async Task<(int Status, JsonElement Error)> RunAsync(FakeAks fake, ClusterId id)
    {
        using var body = new StringContent("""{"command":"kubectl get ns"}""", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(fake.Endpoint, $"{id.ResourceId}/runCommand?api-version={ApiVersion}"), body);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, document.RootElement.GetProperty("error").Clone());
    }
}
