using AksRunCommand.Testing;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// The upstream examples in spec/examples, served verbatim by the fake, read by the facade.
public sealed class OfficialExamplesTests : IDisposable
{
    private static readonly ClusterId ExampleCluster = new("00000000-0000-0000-0000-000000000000", "rg1", "clustername1");
    private readonly FakeAks _fake = FakeAks.Start();

    public void Dispose() => _fake.Dispose();

    [Theory]
    [InlineData("RunCommandResultSucceed.json", "succeeded", 0, "namespace dummy created", null)]
    [InlineData("RunCommandResultFailed.json", "failed", null, "", "ImagePullBackoff")]
    public async Task ExampleResult_IsRead(string example, string state, int? exitCode, string logs, string? reason)
    {
        using var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", example)));
        var commandId = file.RootElement.GetProperty("parameters").GetProperty("commandId").GetString()!;
        var body = file.RootElement.GetProperty("responses").GetProperty("200").GetProperty("body").GetRawText();
        _fake.AddCommand(ExampleCluster, commandId).OnPoll(FakeFault.Reply(200, body));
        var client = _fake.CreateClient();

        var result = await client.GetRunCommandOperation(ExampleCluster, commandId).WaitForCompletionAsync();

        Assert.Equal((state, exitCode, logs, reason), (result.ProvisioningState, result.ExitCode, result.Logs, result.Reason));
        Assert.Equal(AksRunCommandClientOptions.DefaultApiVersion, Assert.Single(_fake.Polls).ApiVersion);
    }

    [Fact]
    public async Task ExampleRequest_IsWhatTheFacadeSends()
    {
        using var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "RunCommandRequest.json")));
        var parameters = file.RootElement.GetProperty("parameters");
        var location = file.RootElement.GetProperty("responses").GetProperty("202").GetProperty("headers").GetProperty("location").GetString()!;
        var command = parameters.GetProperty("requestPayload").GetProperty("command").GetString()!;
        _fake.When(command).OnStart(FakeFault.AcceptedWithLocation(location));
        var client = _fake.CreateClient();

        var operation = await client.RunCommandAsync(WaitUntil.Started, new ClusterId(parameters.GetProperty("subscriptionId").GetString()!, parameters.GetProperty("resourceGroupName").GetString()!, parameters.GetProperty("resourceName").GetString()!), new RunCommandContent(command));

        Assert.Equal("0e9872e6629349dc865e27ee6f8bab2d", operation.Id); // from the example's lowercase-path Location on management.azure.com
        var sent = Assert.Single(_fake.Runs);
        Assert.Equal(parameters.GetProperty("api-version").GetString(), sent.ApiVersion);
        Assert.Equal("kubectl apply -f ns.yaml", sent.Command);
    }
}
