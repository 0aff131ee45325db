using System.Collections.Concurrent;

namespace AksRunCommand.Tests.Infrastructure;

/// <summary>A transport that records the URI of every request the client sends, whatever host it names, then sends it.</summary>
public sealed class RequestRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<Uri> _requests = new();

    public RequestRecorder()
        : this(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
    }

    public IReadOnlyList<Uri> Requests => [.. _requests];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request.RequestUri!);
        return base.SendAsync(request, cancellationToken);
    }
}
