using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// The upstream examples in spec/examples, served verbatim, read by the facade.
public sealed class OfficialExamplesTests : IDisposable
{
    private const string ClusterPath = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";
    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    [Theory]
    [InlineData("RunCommandResultSucceed.json", "succeeded", 0, "namespace dummy created", null)]
    [InlineData("RunCommandResultFailed.json", "failed", null, "", "ImagePullBackoff")]
    public async Task ExampleResult_IsRead(string example, string state, int? exitCode, string logs, string? reason)
    {
        using var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", example)));
        var commandId = file.RootElement.GetProperty("parameters").GetProperty("commandId").GetString()!;
        var body = file.RootElement.GetProperty("responses").GetProperty("200").GetProperty("body").GetRawText();
        _server.Given(Request.Create().WithPath($"{ClusterPath}/commandResults/{commandId}").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
        var client = new AksRunCommandClient(new Testing.FakeTokenCredential(), new AksRunCommandClientOptions { Endpoint = new Uri(_server.Url!) });

        var result = await client.GetRunCommandOperation(new ClusterId("00000000-0000-0000-0000-000000000000", "rg1", "clustername1"), commandId).WaitForCompletionAsync();

        Assert.Equal((state, exitCode, logs, reason), (result.ProvisioningState, result.ExitCode, result.Logs, result.Reason));
        Assert.Equal(AksRunCommandClientOptions.DefaultApiVersion, Assert.Single(_server.LogEntries).RequestMessage!.Query!["api-version"].Single());
    }

    [Fact]
    public async Task ExampleRequest_IsWhatTheFacadeSends()
    {
        using var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "RunCommandRequest.json")));
        var parameters = file.RootElement.GetProperty("parameters");
        var location = file.RootElement.GetProperty("responses").GetProperty("202").GetProperty("headers").GetProperty("location").GetString()!;
        _server.Given(Request.Create().WithPath($"{ClusterPath}/runCommand").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Location", location));
        var client = new AksRunCommandClient(new Testing.FakeTokenCredential(), new AksRunCommandClientOptions { Endpoint = new Uri(_server.Url!) });

        var operation = await client.RunCommandAsync(WaitUntil.Started, new ClusterId(parameters.GetProperty("subscriptionId").GetString()!, parameters.GetProperty("resourceGroupName").GetString()!, parameters.GetProperty("resourceName").GetString()!), new RunCommandContent(parameters.GetProperty("requestPayload").GetProperty("command").GetString()!));

        Assert.Equal("0e9872e6629349dc865e27ee6f8bab2d", operation.Id); // from the example's lowercase-path Location on management.azure.com
        var sent = Assert.Single(_server.LogEntries).RequestMessage!;
        Assert.Equal(parameters.GetProperty("api-version").GetString(), sent.Query!["api-version"].Single());
        using var body = System.Text.Json.JsonDocument.Parse(sent.Body!);
        Assert.Equal("kubectl apply -f ns.yaml", body.RootElement.GetProperty("command").GetString());
    }
}
