using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Testing;
using WaitUntil = Azure.WaitUntil;
using WireMock.ResponseBuilders;
using Response = WireMock.ResponseBuilders.Response;

namespace AksRunCommand.Tests;

// The start: one POST, resent only after 429 or MissingAADClusterToken; never after 5xx or a broken connection.
public sealed class AksRunCommandClientTests : IDisposable
{
    private readonly ArmStub _arm = new();
    private readonly ManualClock _clock = new();
    private readonly SentinelCredential _credential = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task RunCommandAsync_Accepted_SendsOnePostWithBodyTokenAndApiVersion()
    {
        _arm.OnPost(_arm.Accepted());
        var sut = _arm.CreateClient(_clock, _credential);

        var operation = await sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("kubectl apply -f ns.yaml"));

        Assert.Equal(ArmStub.CommandId, operation.Id);
        Assert.False(operation.HasCompleted);
        var post = Assert.Single(_arm.Requests);
        Assert.Equal("POST", post.Method);
        Assert.Equal(ArmStub.ClusterPath + "/runCommand", post.Path);
        Assert.Equal("2024-02-01", post.ApiVersion);
        Assert.Equal("Bearer " + SentinelCredential.ArmToken, post.Authorization);
        Assert.Equal("kubectl apply -f ns.yaml", post.Json.GetProperty("command").GetString());
        Assert.False(post.Json.TryGetProperty("clusterToken", out _));
        Assert.Equal($"{_arm.Url}/.default", Assert.Single(_credential.Scopes));
    }

    [Fact]
    public void DefaultApiVersion_IsTheSpecInfoVersion()
    {
        using var spec = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "spec", "aks-runcommand.json")));

        var specVersion = spec.RootElement.GetProperty("info").GetProperty("version").GetString();
        var defaultVersion = new AksRunCommandClientOptions().ApiVersion;

        Assert.Equal(specVersion, defaultVersion);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task RunCommandAsync_ServerError_ThrowsMayHaveStartedAndNeverResends(int status)
    {
        _arm.OnPost(ArmStub.Error(status, "InternalError", "Something went wrong"), _arm.Accepted());
        var sut = _arm.CreateClient(_clock, _credential);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls")));

        Assert.Equal(1, _arm.PostCount);
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
        var sut = new AksRunCommandClient(_credential, new AksRunCommandClientOptions { Endpoint = raw.Url, TimeProvider = _clock });

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls")));

        Assert.Equal(1, raw.Requests);
        Assert.True(error.CommandMayHaveStarted);
        Assert.Equal(0, error.Status);
        Assert.Contains("not sent again", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_EmptyBodyWithoutLocation_ThrowsAndNeverResends()
    {
        _arm.OnPost(Response.Create().WithStatusCode(202).WithBody(new string('x', 64)).WithFault(FaultType.EMPTY_RESPONSE), _arm.Accepted());
        var sut = _arm.CreateClient(_clock, _credential);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls")));

        Assert.Equal(1, _arm.PostCount);
        Assert.True(error.CommandMayHaveStarted);
    }

    [Fact]
    public async Task RunCommandAsync_Throttled_ResendsAfterRetryAfter()
    {
        _arm.OnPost(ArmStub.Error(429, "TooManyRequests", "Slow down").WithHeader("Retry-After", "7"), _arm.Accepted());
        var sut = _arm.CreateClient(_clock, _credential);

        var operation = await _clock.RunAsync(sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls")));

        Assert.Equal(ArmStub.CommandId, operation.Id);
        Assert.Equal(2, _arm.PostCount);
        Assert.Equal([TimeSpan.FromSeconds(7)], _clock.Advanced);
    }

    [Fact]
    public async Task RunCommandAsync_MissingAadClusterTokenInAutoMode_ResendsOnceWithClusterToken()
    {
        _arm.OnPost(ArmStub.Error(400, "MissingAADClusterToken", "The cluster has AAD enabled; a cluster token is required"), _arm.Accepted());
        var sut = _arm.CreateClient(_clock, _credential);

        await sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls"));

        Assert.Equal(2, _arm.PostCount);
        Assert.False(_arm.Requests[0].Json.TryGetProperty("clusterToken", out _));
        Assert.Equal(SentinelCredential.ClusterToken, _arm.Requests[1].Json.GetProperty("clusterToken").GetString());
        Assert.Contains("6dae42f8-4368-4678-94ff-3960e28e3630/.default", _credential.Scopes);
    }

    [Fact]
    public async Task RunCommandAsync_MissingAadClusterTokenTwice_ThrowsAfterTwoPosts()
    {
        _arm.OnPost(ArmStub.Error(400, "MissingAADClusterToken", "A cluster token is required"));
        var sut = _arm.CreateClient(_clock, _credential);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls")));

        Assert.Equal(2, _arm.PostCount);
        Assert.Equal("MissingAADClusterToken", error.ErrorCode);
    }

    [Fact]
    public async Task RunCommandAsync_MissingAadClusterTokenInNeverMode_ThrowsWithHintAfterOnePost()
    {
        _arm.OnPost(ArmStub.Error(400, "MissingAADClusterToken", "A cluster token is required"), _arm.Accepted());
        var sut = _arm.CreateClient(_clock, _credential);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(
            WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls") { ClusterToken = ClusterTokenMode.Never }));

        Assert.Equal(1, _arm.PostCount);
        Assert.False(error.CommandMayHaveStarted);
        Assert.Contains("6dae42f8-4368-4678-94ff-3960e28e3630", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_AlwaysMode_SendsClusterTokenOnFirstPost()
    {
        _arm.OnPost(_arm.Accepted());
        var sut = _arm.CreateClient(_clock, _credential);

        await sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls") { ClusterToken = ClusterTokenMode.Always });

        Assert.Equal(SentinelCredential.ClusterToken, Assert.Single(_arm.Requests).Json.GetProperty("clusterToken").GetString());
    }

    [Fact]
    public async Task RunCommandAsync_AcceptedWithoutLocation_ThrowsWithRequestIdAfterOnePost()
    {
        _arm.OnPost(Response.Create().WithStatusCode(202).WithHeader("x-ms-request-id", "req-nolocation"));
        var sut = _arm.CreateClient(_clock, _credential);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls")));

        Assert.Equal(1, _arm.PostCount);
        Assert.Contains("no usable Location", error.Message, StringComparison.Ordinal);
        Assert.Contains("req-nolocation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_ClusterNotFound_ThrowsArmErrorWithCodeAndMessage()
    {
        _arm.OnPost(ArmStub.Error(404, "ResourceNotFound", "The Resource 'Microsoft.ContainerService/managedClusters/clustername1' under resource group 'rg1' was not found."));
        var sut = _arm.CreateClient(_clock, _credential);

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent("ls")));

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
        _arm.OnPost(_arm.Accepted());
        var sut = _arm.CreateClient(_clock, _credential, o => o.MaxRequestBytes = 1000);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => sut.RunCommandAsync(WaitUntil.Started, ArmStub.Cluster, new RunCommandContent(new string('a', 2000))));

        Assert.Empty(_arm.Requests);
        Assert.Contains("over the limit of 1,000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommandAsync_DefaultClusterId_ThrowsBeforeAnyRequest()
    {
        var sut = _arm.CreateClient(_clock, _credential);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => sut.RunCommandAsync(WaitUntil.Started, default, new RunCommandContent("ls")));

        Assert.Equal("cluster", error.ParamName);
        Assert.Empty(_arm.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void RunCommandContent_EmptyCommand_ThrowsNamingCommand(string command)
    {
        var error = Assert.Throws<ArgumentException>(() => new RunCommandContent(command));

        Assert.Equal("command", error.ParamName);
    }

    [Theory]
    [InlineData("http://management.azure.com")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("http://10.0.0.1:8080")]
    public void Endpoint_PlainHttpOffLoopback_IsRejected(string endpoint)
    {
        var options = new AksRunCommandClientOptions();

        var error = Assert.Throws<ArgumentException>(() => options.Endpoint = new Uri(endpoint));

        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    [InlineData("https://management.usgovcloudapi.net")]
    public void Endpoint_HttpsOrLoopbackHttp_IsAccepted(string endpoint)
    {
        var options = new AksRunCommandClientOptions { Endpoint = new Uri(endpoint) };

        Assert.Equal(new Uri(endpoint), options.Endpoint);
    }
}
