using AksRunCommand.Generated;
using AksRunCommand.Generated.Models;
using System.Text.Json.Nodes;
using AksRunCommand.Testing;
using AksRunCommand.Tests.Shared;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace AksRunCommand.Tests.Generated;

// Drives the Kiota output directly, with no facade, to prove the spec generates a client that speaks the wire format.
public sealed class GeneratedClientTests : IDisposable
{
    private const string SubscriptionId = "00000000-0000-0000-0000-000000000000";
    private const string ClusterPath = "/subscriptions/" + SubscriptionId + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";
    private const string CommandId = "0e9872e6629349dc865e27ee6f8bab2d";
    private static readonly ClusterId Cluster = new(SubscriptionId, "rg1", "clustername1");
    private static readonly string ApiVersion = AksRunCommandClientOptions.DefaultApiVersion;

    private readonly FakeAks _fake = FakeAks.Start();
    private readonly HttpClient _httpClient = new();

    public void Dispose()
    {
        _fake.Dispose();
        _httpClient.Dispose();
    }

    [Fact]
    public async Task RunCommandThenGetResult_RestReferenceExample_SendsExampleRequestsAndParsesResult()
    {
        // Arrange: the REST reference page's own example.
        _fake.When("kubectl apply -f ns.yaml").OnStart(FakeFault.AcceptedWithLocation($"{_fake.Endpoint.GetLeftPart(UriPartial.Authority)}/subscriptions/{SubscriptionId}/resourcegroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1/commandResults/{CommandId}?api-version={ApiVersion}"));
        _fake.AddCommand(Cluster, CommandId).OnPoll(FakeFault.Reply(200,
            """{"id":"def7b3ea71bd4f7e9d226ddbc0f00ad9","properties":{"provisioningState":"succeeded","exitCode":0,"startedAt":"2021-02-17T00:28:20Z","finishedAt":"2021-02-17T00:28:33Z","logs":"namespace dummy created"}}"""));
        var cluster = CreateSut().Subscriptions[Guid.Parse(SubscriptionId)].ResourceGroups["rg1"].Providers.MicrosoftContainerService.ManagedClusters["clustername1"];

        // Act
        var accepted = await cluster.RunCommand.PostAsync(
            new RunCommandRequest { Command = "kubectl apply -f ns.yaml", Context = "", ClusterToken = "" },
            c => c.QueryParameters.ApiVersion = ApiVersion);
        var result = await cluster.CommandResults[CommandId].GetAsync(c => c.QueryParameters.ApiVersion = ApiVersion);

        // Assert: the requests
        Assert.Null(accepted); // a 202 carries no body
        var run = Assert.Single(_fake.Runs);
        Assert.Equal(ClusterPath + "/runCommand", run.Path);
        Assert.Equal(ApiVersion, run.ApiVersion);
        Assert.Equal("kubectl apply -f ns.yaml", run.Command);
        Assert.Empty(run.ContextFiles);
        Assert.False(run.ClusterTokenPresent);
        var poll = Assert.Single(_fake.Polls);
        Assert.Equal(ClusterPath + "/commandResults/" + CommandId, poll.Path);
        Assert.Equal(ApiVersion, poll.ApiVersion);

        // Assert: the parsed result
        Assert.NotNull(result);
        Assert.Equal("def7b3ea71bd4f7e9d226ddbc0f00ad9", result.Id);
        Assert.Equal("succeeded", result.Properties!.ProvisioningState);
        Assert.Equal(0, result.Properties.ExitCode);
        Assert.Equal(new DateTimeOffset(2021, 2, 17, 0, 28, 20, TimeSpan.Zero), result.Properties.StartedAt);
        Assert.Equal(new DateTimeOffset(2021, 2, 17, 0, 28, 33, TimeSpan.Zero), result.Properties.FinishedAt);
        Assert.Equal("namespace dummy created", result.Properties.Logs);
    }

    // Version-agnostic: the error type's name follows the api-version (CloudError up to 2024, ErrorResponse from
    // 2025-10-01), so it is read from the spec.
    [Fact]
    public async Task RunCommand_ArmErrorBody_ThrowsTheSpecsGeneratedErrorWithCodeTargetDetailsAndMessage()
    {
        _fake.When("kubectl get pods").OnStart(FakeFault.Reply(404,
            """{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.ContainerService/managedClusters/clustername1' under resource group 'rg1' was not found.","target":"resourceName","details":[{"code":"Inner","message":"inner detail"}]}}"""));
        var cluster = CreateSut().Subscriptions[Guid.Parse(SubscriptionId)].ResourceGroups["rg1"].Providers.MicrosoftContainerService.ManagedClusters["clustername1"];

        var error = await Assert.ThrowsAnyAsync<ApiException>(() => cluster.RunCommand.PostAsync(
            new RunCommandRequest { Command = "kubectl get pods" }, c => c.QueryParameters.ApiVersion = ApiVersion));

        Assert.True(error.GetType().Name == DefaultErrorSchema(), $"the generated error is {error.GetType().Name}; the spec's default error schema is {DefaultErrorSchema()}");
        Assert.Equal(404, error.ResponseStatusCode);
        // x-ms-primary-error-message on the error body's message makes the exception's Message the ARM message.
        Assert.Equal("The Resource 'Microsoft.ContainerService/managedClusters/clustername1' under resource group 'rg1' was not found.", error.Message);

        // ARM's error shape is ARM-wide (error: code, message, target, details) whatever the generated types are called;
        // read by name, because newer common-types mark the fields read-only and Kiota then does not serialize them back.
        var body = Property(error, "Error");
        Assert.Equal("ResourceNotFound", Property(body, "Code"));
        Assert.Equal("resourceName", Property(body, "Target"));
        var details = Assert.IsAssignableFrom<System.Collections.IEnumerable>(Property(body, "Details")).Cast<object>().ToList();
        Assert.Equal("Inner", Property(Assert.Single(details), "Code"));
    }

    private static object? Property(object? value, string name)
    {
        Assert.NotNull(value);
        var property = value.GetType().GetProperty(name);
        Assert.True(property is not null, $"{value.GetType().Name} has no property {name}");
        return property.GetValue(value);
    }

    // The schema both operations name as their default response, e.g. CloudError or ErrorResponse.
    private static string DefaultErrorSchema()
    {
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "spec", "aks-runcommand.json")))!;
        var names = spec["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject())
            .Select(o => ((string?)o.Value!["responses"]!["default"]!["schema"]!["$ref"])!.Split('/')[^1])
            .Distinct()
            .ToList();
        return Assert.Single(names);
    }

    private BaseAksRunCommandClient CreateSut()
    {
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: _httpClient) { BaseUrl = _fake.Endpoint.GetLeftPart(UriPartial.Authority) };
        return new BaseAksRunCommandClient(adapter);
    }
}
