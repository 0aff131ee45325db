using System.Net;
using AksRunCommand.Tests.Infrastructure;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests;

public sealed class AksRunCommandClientOptionsTests
{
    [Fact]
    public void DefaultApiVersion_IsTheSpecInfoVersion()
    {
        using var spec = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "spec", "aks-runcommand.json")));

        var specVersion = spec.RootElement.GetProperty("info").GetProperty("version").GetString();
        var defaultVersion = new AksRunCommandClientOptions().ApiVersion;

        Assert.Equal(specVersion, defaultVersion);
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
    public async Task Endpoint_HttpsOrLoopbackHttp_IsWhereRequestsAndTheTokenGo(string endpoint)
    {
        var transport = new CannedAnswer();
        var credential = new SentinelCredential();
        var client = new AksRunCommandClient(credential, new AksRunCommandClientOptions { Endpoint = new Uri(endpoint), Transport = transport });

        await Assert.ThrowsAsync<ArmRequestFailedException>(() => client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        var (uri, authorization) = Assert.Single(transport.Requests);
        Assert.Equal(new Uri(endpoint).GetLeftPart(UriPartial.Authority), uri.GetLeftPart(UriPartial.Authority));
        Assert.StartsWith(FakeAksFixture.Cluster.ResourceId + "/runCommand", uri.AbsolutePath, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Bearer " + SentinelCredential.ArmToken, authorization);
        Assert.Equal([new Uri(endpoint).GetLeftPart(UriPartial.Authority) + "/.default"], credential.Scopes);
    }

    // Answers every request with a 404 without touching the network, and records where it was going and its token.
    private sealed class CannedAnswer : HttpMessageHandler
    {
        public List<(Uri Uri, string? Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!, request.Headers.Authorization?.ToString()));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request, Content = new StringContent("""{"error":{"code":"ResourceNotFound","message":"not here"}}""", System.Text.Encoding.UTF8, "application/json") });
        }
    }
}
