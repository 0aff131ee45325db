using System.Text.Json;
using AksRunCommand.Testing;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// The upstream examples in spec/examples, whichever api-version spec/ is on: each result example is served verbatim
// by the fake and read by the facade; each request example is what the facade sends; each cluster-read example
// (ManagedClustersGet, -List, -ListByResourceGroup) is served verbatim and read by the generated client the fleet
// rollout selects clusters with. Expected values come from the example itself, so the suite holds for any imported
// version (some ship no request example, older ones no cluster example here). A result example is required: without
// one nothing proves the facade reads what the service answers.
public sealed class OfficialExamplesTests : IDisposable
{
    // What to do when spec/examples is empty: an upstream file that ships no example, imported with no spec/ before it.
    private const string Remedy = "the upstream file shipped none; add one (the upstream examples/RunCommandResultSucceed.json of that api-version, named in the operation's x-ms-examples) or import with the previous spec/ in place: ImportSpec then keeps its examples, with the new api-version";
    private const string NoExample = "(none)";
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "examples");
    private readonly FakeAks _fake = FakeAks.Start();

    // Never empty: with no example at all, one row that fails with the remedy (an empty theory fails with "No data found").
    public static TheoryData<string> Examples => Files() is { Count: > 0 } files ? [.. files] : [NoExample];

    public void Dispose() => _fake.Dispose();

    [Fact]
    public void Examples_AtLeastOneResultExampleShips()
    {
        Assert.True(Files().Any(e => Kind(Load(e)) == "result"), "spec/examples holds no result example for commandResults: " + Remedy + ".");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_IsWhatTheFacadeReadsOrSends(string example)
    {
        Assert.True(example != NoExample, "spec/examples holds no example at all: " + Remedy + ".");
        using var file = Load(example);
        switch (Kind(file))
        {
            case "result":
                await ResultIsReadAsync(file);
                break;
            case "request":
                await RequestIsSentAsync(file);
                break;
            case "cluster":
                await ClusterIsReadAsync(file);
                break;
            case "clusters":
                await ClusterListIsReadAsync(file);
                break;
            default:
                Assert.Fail($"{example} is none of: a result example (a commandId and a 200 with a body), a request example (a requestPayload and a 202 with a Location), a cluster example (a resourceName and a 200 with a cluster), a cluster list example (a 200 with a value array).");
                break;
        }
    }

    private async Task ResultIsReadAsync(JsonDocument file)
    {
        var parameters = file.RootElement.GetProperty("parameters");
        var cluster = Cluster(parameters);
        var commandId = parameters.GetProperty("commandId").GetString()!;
        var body = file.RootElement.GetProperty("responses").GetProperty("200").GetProperty("body");
        var properties = body.GetProperty("properties");
        _fake.AddCommand(cluster, commandId).OnPoll(FakeFault.Reply(200, body.GetRawText()));
        var client = _fake.CreateClient(o => o.ApiVersion = parameters.GetProperty("api-version").GetString()!);

        var result = await client.GetRunCommandOperation(cluster, commandId).WaitForCompletionAsync();

        Assert.Equal(properties.GetProperty("provisioningState").GetString(), result.ProvisioningState);
        Assert.Equal(properties.TryGetProperty("exitCode", out var exit) ? exit.GetInt32() : null, result.ExitCode);
        Assert.Equal(properties.TryGetProperty("logs", out var logs) ? logs.GetString() : string.Empty, result.Logs);
        Assert.Equal(properties.TryGetProperty("reason", out var reason) ? reason.GetString() : null, result.Reason);
        Assert.Equal(parameters.GetProperty("api-version").GetString(), Assert.Single(_fake.Polls).ApiVersion);
    }

    private async Task RequestIsSentAsync(JsonDocument file)
    {
        var parameters = file.RootElement.GetProperty("parameters");
        var location = file.RootElement.GetProperty("responses").GetProperty("202").GetProperty("headers").GetProperty("location").GetString()!;
        var command = parameters.GetProperty("requestPayload").GetProperty("command").GetString()!;
        _fake.When(command).OnStart(FakeFault.AcceptedWithLocation(location));
        var client = _fake.CreateClient(o => o.ApiVersion = parameters.GetProperty("api-version").GetString()!);

        var operation = await client.RunCommandAsync(WaitUntil.Started, Cluster(parameters), new RunCommandContent(command));

        var idInLocation = new Uri(location).AbsolutePath.Split('/')[^1];
        Assert.Equal(idInLocation, operation.Id); // from the example's Location on management.azure.com
        var sent = Assert.Single(_fake.Runs);
        Assert.Equal(parameters.GetProperty("api-version").GetString(), sent.ApiVersion);
        Assert.Equal(command, sent.Command);
        Assert.Equal(Cluster(parameters), sent.Cluster);
    }

    private static async Task ClusterIsReadAsync(JsonDocument file)
    {
        var parameters = file.RootElement.GetProperty("parameters");
        var body = file.RootElement.GetProperty("responses").GetProperty("200").GetProperty("body");
        var apiVersion = parameters.GetProperty("api-version").GetString()!;
        var cluster = Cluster(parameters);
        using var arm = new ClusterReadsServer();
        var path = cluster.ResourceId;
        arm.Answer(path, 200, body.GetRawText());

        var read = await arm.CreateClient().Subscriptions[cluster.SubscriptionId].ResourceGroups[cluster.ResourceGroupName]
            .Providers.MicrosoftContainerService.ManagedClusters[cluster.ClusterName].GetAsync(c => c.QueryParameters.ApiVersion = apiVersion);

        Assert.Equal(("GET", path, "?api-version=" + apiVersion), Assert.Single(arm.Requests));
        Assert.NotNull(read);
        Assert.Equal(ClusterFields.Of(body), ClusterFields.Of(read));
    }

    // With a resourceGroupName: ManagedClusters_ListByResourceGroup; without: ManagedClusters_List (the subscription).
    private static async Task ClusterListIsReadAsync(JsonDocument file)
    {
        var parameters = file.RootElement.GetProperty("parameters");
        var body = file.RootElement.GetProperty("responses").GetProperty("200").GetProperty("body");
        var apiVersion = parameters.GetProperty("api-version").GetString()!;
        var subscription = Guid.TryParse(parameters.GetProperty("subscriptionId").GetString(), out var s) ? s : Guid.Empty;
        var resourceGroup = parameters.TryGetProperty("resourceGroupName", out var rg) ? rg.GetString() : null;
        using var arm = new ClusterReadsServer();
        var path = resourceGroup is null
            ? $"/subscriptions/{subscription}/providers/Microsoft.ContainerService/managedClusters"
            : $"/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerService/managedClusters";
        arm.Answer(path, 200, body.GetRawText());

        var client = arm.CreateClient().Subscriptions[subscription];
        var page = resourceGroup is null
            ? await client.Providers.MicrosoftContainerService.ManagedClusters.GetAsync(c => c.QueryParameters.ApiVersion = apiVersion)
            : await client.ResourceGroups[resourceGroup].Providers.MicrosoftContainerService.ManagedClusters.GetAsync(c => c.QueryParameters.ApiVersion = apiVersion);

        Assert.Equal(("GET", path, "?api-version=" + apiVersion), Assert.Single(arm.Requests));
        Assert.NotNull(page?.Value);
        Assert.NotEmpty(page.Value);
        Assert.Equal(body.GetProperty("value").EnumerateArray().Select(ClusterFields.Of), page.Value.Select(ClusterFields.Of));
        Assert.Equal(body.TryGetProperty("nextLink", out var next) ? next.GetString() : null, page.NextLink);
    }

    // No folder when spec/examples is empty: git keeps no empty folder and the build copies nothing.
    private static List<string> Files() =>
        Directory.Exists(Folder) ? [.. Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)] : [];

    private static JsonDocument Load(string example) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, example)));

    // A request example has the run request's payload (and a 202 with Location); a result example a command id and a
    // 200 body; a cluster example a cluster name and a 200 with a cluster; a cluster list example a 200 with a value array.
    private static string Kind(JsonDocument file)
    {
        var parameters = file.RootElement.GetProperty("parameters");
        var responses = file.RootElement.GetProperty("responses");
        if (parameters.TryGetProperty("requestPayload", out _))
        {
            return responses.TryGetProperty("202", out var accepted) && accepted.TryGetProperty("headers", out var headers) && headers.TryGetProperty("location", out _)
                ? "request"
                : "unknown";
        }

        if (!responses.TryGetProperty("200", out var ok) || !ok.TryGetProperty("body", out var body))
        {
            return "unknown";
        }

        return parameters.TryGetProperty("commandId", out _) ? "result"
            : body.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array ? "clusters"
            : parameters.TryGetProperty("resourceName", out _) && body.TryGetProperty("properties", out _) ? "cluster"
            : "unknown";
    }

    // Older examples name the subscription "subid1", a placeholder that is no subscription id: a GUID stands in for it.
    private static ClusterId Cluster(JsonElement parameters) =>
        new(
            Guid.TryParse(parameters.GetProperty("subscriptionId").GetString(), out var subscription) ? subscription : Guid.Empty,
            parameters.GetProperty("resourceGroupName").GetString()!,
            parameters.GetProperty("resourceName").GetString()!);
}
