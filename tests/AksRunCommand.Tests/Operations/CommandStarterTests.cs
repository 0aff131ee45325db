using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Tests.Shared;
using AksRunCommand.Testing;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Operations;

// The start: one POST, resent only after 429 or MissingAADClusterToken; never after 5xx or a broken connection.
public sealed class CommandStarterTests : IDisposable
{
    private readonly FakeAksFixture _arm = new();

    private static ClusterId Cluster => FakeAksFixture.Cluster;

    private FakeAks Aks => _arm.Aks;

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task RunCommandAsync_Accepted_SendsOnePostWithBodyTokenAndApiVersion()
    {
        var sut = _arm.CreateClient();

        var operation = await sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("kubectl apply -f ns.yaml"));

        var post = Assert.Single(Aks.Runs);
        Assert.Equal(post.CommandId, operation.Id);
        Assert.False(operation.HasCompleted);
        Assert.Equal(202, post.Status); // the fake answers 401 unless the bearer token is exactly the sentinel's
        Assert.Equal(FakeAksFixture.ClusterPath + "/runCommand", post.Path);
        Assert.Equal(AksRunCommandClientOptions.DefaultApiVersion, post.ApiVersion);
        Assert.Equal("kubectl apply -f ns.yaml", post.Command);
        Assert.False(post.ClusterTokenPresent);
        Assert.Equal($"{_arm.Endpoint.GetLeftPart(UriPartial.Authority)}/.default", Assert.Single(_arm.Credential.Scopes));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task RunCommandAsync_ServerError_ThrowsMayHaveStartedAndNeverResends(int status)
    {
        Aks.When("ls").OnStart(FakeFault.ServerError(status).WithHeader("x-ms-request-id", "req-err").WithHeader("x-ms-correlation-request-id", "corr-err"));
        var sut = _arm.CreateClient();

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Single(Aks.Runs);
        Assert.Equal(status, error.Status);
        Assert.True(error.CommandMayHaveStarted);
        Assert.Contains("may or may not have started", error.Message, StringComparison.Ordinal);
        Assert.Equal("req-err", error.RequestId);
        Assert.Equal("corr-err", error.CorrelationRequestId);
    }

    [Fact]
    public async Task RunCommandAsync_ConnectionReset_ThrowsMayHaveStartedAndNeverResends()
    {
        using var raw = new RawHttpServer().ThenReset().ThenReply(202, "", "Location: " + _arm.Location());
        var sut = new AksRunCommandClient(_arm.Credential, new AksRunCommandClientOptions { Endpoint = raw.Url, TimeProvider = _arm.Clock, Transport = _arm.Clock.HoldDuringRequests() });

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Equal(1, raw.Requests);
        Assert.True(error.CommandMayHaveStarted);
        Assert.Equal(0, error.Status);
        Assert.Contains("not sent again", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_Throttled_ResendsAfterRetryAfter()
    {
        Aks.When("ls").OnStart(FakeFault.ArmError(429, "TooManyRequests", "Slow down").WithHeader("Retry-After", "7"));
        var sut = _arm.CreateClient();

        var operation = await _arm.Clock.RunAsync(sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Equal([429, 202], Aks.Runs.Select(r => r.Status));
        Assert.Equal(Aks.Runs[1].CommandId, operation.Id);
        Assert.InRange(Assert.Single(_arm.Clock.Advanced), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7.7)); // the Retry-After, plus at most 10 % jitter
    }

    [Fact]
    public async Task RunCommandAsync_MissingAadClusterTokenInAutoMode_ResendsOnceWithClusterToken()
    {
        using var arm = new FakeAksFixture(o => o.RequireClusterToken = true);
        var sut = arm.CreateClient();

        await sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls"));

        Assert.Equal([(400, false), (202, true)], arm.Aks.Runs.Select(r => (r.Status, r.ClusterTokenPresent)));
        Assert.Contains("6dae42f8-4368-4678-94ff-3960e28e3630/.default", arm.Credential.Scopes);
    }

    [Fact]
    public async Task RunCommandAsync_MissingAadClusterTokenTwice_ThrowsAfterTwoPosts()
    {
        Aks.When("ls").OnStart(FakeFault.ArmError(400, "MissingAADClusterToken", "A cluster token is required"), times: 2);
        var sut = _arm.CreateClient();

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Equal(2, Aks.Runs.Count);
        Assert.Equal("MissingAADClusterToken", error.ErrorCode);
    }

    [Fact]
    public async Task RunCommandAsync_MissingAadClusterTokenInNeverMode_ThrowsWithHintAfterOnePost()
    {
        using var arm = new FakeAksFixture(o => o.RequireClusterToken = true);
        var sut = arm.CreateClient();

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(
            WaitUntil.Started, Cluster, new RunCommandContent("ls") { ClusterToken = ClusterTokenMode.Never }));

        Assert.Single(arm.Aks.Runs);
        Assert.False(error.CommandMayHaveStarted);
        Assert.Contains("6dae42f8-4368-4678-94ff-3960e28e3630", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_AlwaysMode_SendsClusterTokenOnFirstPost()
    {
        var sut = _arm.CreateClient();

        await sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls") { ClusterToken = ClusterTokenMode.Always });

        Assert.True(Assert.Single(Aks.Runs).ClusterTokenPresent);
        Assert.Contains("6dae42f8-4368-4678-94ff-3960e28e3630/.default", _arm.Credential.Scopes);
    }

    [Fact]
    public async Task RunCommandAsync_AcceptedWithoutLocation_ThrowsWithRequestIdAfterOnePost()
    {
        Aks.When("ls").OnStart(FakeFault.AcceptedWithoutLocation.WithHeader("x-ms-request-id", "req-nolocation"));
        var sut = _arm.CreateClient();

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Single(Aks.Runs);
        Assert.Contains("no usable Location", error.Message, StringComparison.Ordinal);
        Assert.Contains("req-nolocation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_ClusterNotFound_ThrowsArmErrorWithCodeAndMessage()
    {
        Aks.When("ls").OnStart(FakeFault.ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.ContainerService/managedClusters/clustername1' under resource group 'rg1' was not found.", target: "cluster"));
        var sut = _arm.CreateClient();

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Equal(404, error.Status);
        Assert.Equal("ResourceNotFound", error.ErrorCode);
        Assert.Equal("cluster", error.Target);
        Assert.False(error.CommandMayHaveStarted);
        Assert.Contains("was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check the subscription, resource group and cluster name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_RequestOverLimit_ThrowsBeforeAnyRequest()
    {
        var sut = _arm.CreateClient(o => o.MaxRequestBytes = 1000);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => sut.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent(new string('a', 2000))));

        Assert.Empty(Aks.Runs);
        Assert.Contains("over the limit of 1,000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_DefaultClusterId_ThrowsBeforeAnyRequest()
    {
        var sut = _arm.CreateClient();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => sut.RunCommandAsync(WaitUntil.Started, default, new RunCommandContent("ls")));

        Assert.Equal("cluster", error.ParamName);
        Assert.Empty(Aks.Runs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void RunCommandContent_EmptyCommand_ThrowsNamingCommand(string command)
    {
        var error = Assert.Throws<ArgumentException>(() => new RunCommandContent(command));

        Assert.Equal("command", error.ParamName);
    }
}
