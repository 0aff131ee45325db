using System.Text.Json;
using AksRunCommand.Generated;
using AksRunCommand.Generated.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AksRunCommand.Tests.Generated;

// Drives the Kiota output directly, with no facade, to prove the spec generates a client that speaks the wire format.
public sealed class GeneratedClientTests : IDisposable
{
    private const string SubscriptionId = "00000000-0000-0000-0000-000000000000";
    private const string ClusterPath = "/subscriptions/" + SubscriptionId + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";
    private const string ApiVersion = "2024-02-01";

    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly HttpClient _httpClient = new();

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _httpClient.Dispose();
    }

    [Fact]
    public async Task RunCommandThenGetResult_RestReferenceExample_SendsExampleRequestsAndParsesResult()
    {
        // Arrange: the REST reference page's own example.
        var location = $"{_server.Url}/subscriptions/{SubscriptionId}/resourcegroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1/commandResults/0e9872e6629349dc865e27ee6f8bab2d?api-version={ApiVersion}";
        _server.Given(Request.Create().WithPath(ClusterPath + "/runCommand").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Location", location));
        _server.Given(Request.Create().WithPath(ClusterPath + "/commandResults/0e9872e6629349dc865e27ee6f8bab2d").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"id":"def7b3ea71bd4f7e9d226ddbc0f00ad9","properties":{"provisioningState":"succeeded","exitCode":0,"startedAt":"2021-02-17T00:28:20Z","finishedAt":"2021-02-17T00:28:33Z","logs":"namespace dummy created"}}"""));
        var cluster = CreateSut().Subscriptions[Guid.Parse(SubscriptionId)].ResourceGroups["rg1"].Providers.MicrosoftContainerService.ManagedClusters["clustername1"];

        // Act
        var accepted = await cluster.RunCommand.PostAsync(
            new RunCommandRequest { Command = "kubectl apply -f ns.yaml", Context = "", ClusterToken = "" },
            c => c.QueryParameters.ApiVersion = ApiVersion);
        var result = await cluster.CommandResults["0e9872e6629349dc865e27ee6f8bab2d"].GetAsync(c => c.QueryParameters.ApiVersion = ApiVersion);

        // Assert: the requests
        Assert.Null(accepted); // a 202 carries no body
        var entries = _server.LogEntries.Select(e => e.RequestMessage!).ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("POST", entries[0].Method);
        Assert.Equal(ClusterPath + "/runCommand", entries[0].Path);
        Assert.Equal(ApiVersion, Assert.Single(entries[0].Query!["api-version"]));
        using (var body = JsonDocument.Parse(entries[0].Body!))
        {
            Assert.Equal("kubectl apply -f ns.yaml", body.RootElement.GetProperty("command").GetString());
            Assert.Equal("", body.RootElement.GetProperty("context").GetString());
            Assert.Equal("", body.RootElement.GetProperty("clusterToken").GetString());
        }
        Assert.Equal("GET", entries[1].Method);
        Assert.Equal(ClusterPath + "/commandResults/0e9872e6629349dc865e27ee6f8bab2d", entries[1].Path);
        Assert.Equal(ApiVersion, Assert.Single(entries[1].Query!["api-version"]));

        // Assert: the parsed result
        Assert.NotNull(result);
        Assert.Equal("def7b3ea71bd4f7e9d226ddbc0f00ad9", result.Id);
        Assert.Equal("succeeded", result.Properties!.ProvisioningState);
        Assert.Equal(0, result.Properties.ExitCode);
        Assert.Equal(new DateTimeOffset(2021, 2, 17, 0, 28, 20, TimeSpan.Zero), result.Properties.StartedAt);
        Assert.Equal(new DateTimeOffset(2021, 2, 17, 0, 28, 33, TimeSpan.Zero), result.Properties.FinishedAt);
        Assert.Equal("namespace dummy created", result.Properties.Logs);
    }

    [Fact]
    public async Task RunCommand_CloudErrorBody_ThrowsGeneratedCloudErrorWithCodeAndMessage()
    {
        _server.Given(Request.Create().WithPath(ClusterPath + "/runCommand").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(
                """{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.ContainerService/managedClusters/clustername1' under resource group 'rg1' was not found.","target":"resourceName","details":[{"code":"Inner","message":"inner detail"}]}}"""));
        var cluster = CreateSut().Subscriptions[Guid.Parse(SubscriptionId)].ResourceGroups["rg1"].Providers.MicrosoftContainerService.ManagedClusters["clustername1"];

        var error = await Assert.ThrowsAsync<CloudError>(() => cluster.RunCommand.PostAsync(
            new RunCommandRequest { Command = "kubectl get pods" }, c => c.QueryParameters.ApiVersion = ApiVersion));

        Assert.Equal(404, error.ResponseStatusCode);
        Assert.Equal("ResourceNotFound", error.Error!.Code);
        Assert.Equal("resourceName", error.Error.Target);
        Assert.Equal("Inner", Assert.Single(error.Error.Details!).Code);
        // x-ms-primary-error-message on CloudErrorBody.message makes the exception's Message the ARM message.
        Assert.Equal("The Resource 'Microsoft.ContainerService/managedClusters/clustername1' under resource group 'rg1' was not found.", error.Message);
    }

    private BaseAksRunCommandClient CreateSut()
    {
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: _httpClient) { BaseUrl = _server.Url };
        return new BaseAksRunCommandClient(adapter);
    }
}
