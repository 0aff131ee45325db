using AksRunCommand.Testing;
using AksRunCommand.Tests.Shared;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// Faults on the run request: what the client does, and how many POSTs reach the service.
public sealed class StartFaultContractTests : FakeAksTestBase
{
    [Theory]
    [InlineData(RetryAfterForm.Seconds, 3000)]
    [InlineData(RetryAfterForm.HttpDate, 4000)]
    [InlineData(RetryAfterForm.RetryAfterMs, 1500)]
    [InlineData(RetryAfterForm.XMsRetryAfterMs, 2500)]
    public async Task Throttled_IsResentOnceAfterRetryAfter(RetryAfterForm form, int milliseconds)
    {
        Fake.When("ls").OnStart(FakeFault.Throttled(TimeSpan.FromMilliseconds(milliseconds), form)).RunningFor(0);

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Equal([429, 202], Fake.Runs.Select(r => r.Status));
        Assert.InRange(Assert.Single(Clock.Advanced), TimeSpan.FromMilliseconds(milliseconds), TimeSpan.FromMilliseconds(milliseconds * 1.1)); // the Retry-After, plus at most 10 % jitter
        Assert.Equal(Fake.Runs[1].CommandId, operation.Id);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task ServerError_IsNeverResent(int status)
    {
        Fake.When("ls").OnStart(FakeFault.ServerError(status).WithHeader("x-ms-request-id", $"req-{status}").WithHeader("x-ms-correlation-request-id", $"corr-{status}"));

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Single(Fake.Runs);
        Assert.Equal(status, error.Status);
        Assert.True(error.CommandMayHaveStarted);
        Assert.Equal(($"req-{status}", $"corr-{status}"), (error.RequestId, error.CorrelationRequestId));
    }

    [Fact]
    public async Task EmptyResponse_IsAnErrorAndNeverResent()
    {
        Fake.When("ls").OnStart(FakeFault.EmptyResponse);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Single(Fake.Runs);
        Assert.True(error.CommandMayHaveStarted);
        Assert.Contains("no usable Location", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedChunk_IsAnErrorAndNeverResent()
    {
        Fake.When("ls").OnStart(FakeFault.MalformedChunk);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Single(Fake.Runs);
        Assert.True(error.CommandMayHaveStarted);
    }

    [Fact]
    public async Task AnswerLaterThanTheHttpTimeout_IsNeverResent()
    {
        using var transport = new AnswerArrivesTooLate(times: 1, new SocketsHttpHandler());
        Client = Fake.CreateClient(o => { o.TimeProvider = Clock; o.Transport = Clock.HoldDuringRequests(transport); });

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.True(error.CommandMayHaveStarted);
        Assert.Contains("may or may not have started", error.Message, StringComparison.Ordinal);
        var run = Assert.Single(Fake.Runs); // the service got it, and accepted it: exactly why it is never sent again
        Assert.Equal(202, run.Status);
    }

    // The README's rule: only one path segment of visible ASCII after commandResults/ is an id; a 2xx without one is an error.
    [Theory]
    [InlineData("{endpoint}subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-contract/providers/Microsoft.ContainerService/managedclusters/aks-contract/commandResults/a%01b?api-version=2024-02-01")]
    [InlineData("{endpoint}subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-contract/providers/Microsoft.ContainerService/managedclusters/aks-contract/commandResults/a%20b?api-version=2024-02-01")]
    [InlineData("{endpoint}subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-contract/providers/Microsoft.ContainerService/managedclusters/aks-contract/commandResults/a%2Fb?api-version=2024-02-01")]
    [InlineData("{endpoint}subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-contract/providers/Microsoft.ContainerService/managedclusters/aks-contract/commandResults/{id}/more")]
    [InlineData("{endpoint}subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-contract/providers/Microsoft.ContainerService/managedclusters/aks-contract/commandResults/?api-version=2024-02-01")]
    [InlineData("{endpoint}operations/{id}")]
    [InlineData("::not a url::")]
    public async Task AcceptedWithAnUnusableLocationId_IsAnErrorWithRequestIdsAndNoResendNorPoll(string location)
    {
        Fake.When("ls").OnStart(FakeFault.AcceptedWithLocation(location.Replace("{endpoint}", Fake.Endpoint.ToString(), StringComparison.Ordinal))
            .WithHeader("x-ms-request-id", "req-unusable").WithHeader("x-ms-correlation-request-id", "corr-unusable"));

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("ls")));

        Assert.Equal(202, Assert.Single(Fake.Runs).Status); // the service accepted it: never sent again
        Assert.Equal((202, true, "req-unusable", "corr-unusable"), (error.Status, error.CommandMayHaveStarted, error.RequestId, error.CorrelationRequestId));
        Assert.Null(error.CommandId);
        Assert.Contains("no usable Location", error.Message, StringComparison.Ordinal);
        Assert.Empty(Fake.Polls);
    }

    [Fact]
    public async Task AcceptedWithoutLocation_IsAnErrorWithRequestIdsAndNoResend()
    {
        Fake.When("ls").OnStart(FakeFault.AcceptedWithoutLocation.WithHeader("x-ms-request-id", "req-no-location").WithHeader("x-ms-correlation-request-id", "corr-no-location"));

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Single(Fake.Runs);
        Assert.Equal(202, error.Status);
        Assert.True(error.CommandMayHaveStarted);
        Assert.Equal(("req-no-location", "corr-no-location"), (error.RequestId, error.CorrelationRequestId));
        Assert.Contains("req-no-location", error.Message, StringComparison.Ordinal);
        Assert.Empty(Fake.Polls);
    }

    [Fact]
    public async Task MissingClusterToken_IsResentOnceWithOne()
    {
        using var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = Clock, RequireClusterToken = true });

        var operation = await Clock.RunAsync(fake.CreateClient(o => o.TimeProvider = Clock).RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("exit 0")));

        Assert.Equal([(400, false), (202, true)], fake.Runs.Select(r => (r.Status, r.ClusterTokenPresent)));
        Assert.True(operation.Value.IsSuccess);
    }

    [Fact]
    public async Task MissingClusterToken_WithModeNever_FailsAfterOnePost()
    {
        using var fake = FakeAks.Start(new FakeAksOptions { RequireClusterToken = true });

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() =>
            fake.CreateClient().RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls") { ClusterToken = ClusterTokenMode.Never }));

        Assert.Single(fake.Runs);
        Assert.Equal("MissingAADClusterToken", error.ErrorCode);
    }

    [Theory]
    [InlineData(413, "RequestEntityTooLarge")]
    [InlineData(403, "AuthorizationFailed")]
    [InlineData(400, "KubernetesPerformanceError")]
    public async Task ArmErrorOnStart_KeepsCodeAndIsNotResent(int status, string code)
    {
        Fake.When("ls").OnStart(FakeFault.ArmError(status, code, $"{code} happened."));

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Single(Fake.Runs);
        Assert.Equal((status, code), (error.Status, error.ErrorCode));
        Assert.False(error.CommandMayHaveStarted);
    }
}
