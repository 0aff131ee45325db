using System.Net;

namespace AksRunCommand.Http;

// Kiota builds its own HttpRequestMessage (HTTP/1.1 by default). Over TLS this asks for HTTP/2, which ARM
// negotiates through ALPN, so many concurrent operations share a few multiplexed connections instead of
// one connection per request in flight; where HTTP/2 is not offered the request falls back to HTTP/1.1.
internal sealed class Http2PreferredHandler : DelegatingHandler
{
    public Http2PreferredHandler()
    {
    }

    public Http2PreferredHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.Scheme == Uri.UriSchemeHttps)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
