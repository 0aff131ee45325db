using System.Collections.Concurrent;

namespace AksRunCommand.Tests.Shared;

/// <summary>
/// A transport that records the request ids of every answer as they came over the wire (<c>x-ms-request-id</c>,
/// <c>x-ms-correlation-request-id</c>), so a test can say that an error carries the ids the service sent, not just some.
/// </summary>
public sealed class AnswerIds(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<(string Method, string Path, string? RequestId, string? CorrelationRequestId)> _answers = new();

    public AnswerIds()
        : this(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
    }

    /// <summary>Every answer, in order: the request's method and path, and the ids the answer carried.</summary>
    public IReadOnlyList<(string Method, string Path, string? RequestId, string? CorrelationRequestId)> Answers => [.. _answers];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        _answers.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, One(response, "x-ms-request-id"), One(response, "x-ms-correlation-request-id")));
        return response;
    }

    private static string? One(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
