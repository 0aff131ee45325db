using System.Net;
using AksRunCommand.Http;

namespace AksRunCommand.Tests.Http;

public sealed class Http2PreferredHandlerTests
{
    [Theory]
    [InlineData("https://management.azure.com/x", "2.0", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData("http://127.0.0.1:5000/x", "1.1", HttpVersionPolicy.RequestVersionOrLower)]
    public async Task SendAsync_AsksForHttp2OnlyOverTls(string url, string expectedVersion, HttpVersionPolicy expectedPolicy)
    {
        var inner = new Recorder();
        using var invoker = new HttpMessageInvoker(new Http2PreferredHandler(inner));
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };

        using var _ = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(Version.Parse(expectedVersion), inner.Version);
        Assert.Equal(expectedPolicy, inner.Policy);
    }

    // Records what reaches the transport; no wire is involved in this rule.
    private sealed class Recorder : HttpMessageHandler
    {
        public Version? Version { get; private set; }

        public HttpVersionPolicy Policy { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Version = request.Version;
            Policy = request.VersionPolicy;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
