using System.Net;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// Sends every request with exactly one HTTP version, whatever the client above asked for: Azure.Core's transport
/// sends HTTP/1.1 and the facade asks for HTTP/2, so comparing them as they ship compares two protocols. Each
/// client gets the same pin, so a figure compares clients on one protocol.
/// </summary>
public sealed class ProtocolPin(Version version, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public static Version Parse(string protocol) => protocol switch
    {
        "HTTP/1.1" => HttpVersion.Version11,
        "HTTP/2" => HttpVersion.Version20,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "HTTP/1.1 or HTTP/2"),
    };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Version = version;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return base.SendAsync(request, cancellationToken);
    }
}
