namespace AksRunCommand.Tests.Shared;

/// <summary>
/// Stands in for an HttpClient timeout without waiting for one: the request really goes to the server (which
/// records and answers it), then the client gives up on the answer exactly as HttpClient does when its
/// Timeout elapses. A test of the client's reaction to a timeout, in no real time.
/// </summary>
public sealed class AnswerArrivesTooLate : DelegatingHandler
{
    private int _remaining;

    /// <param name="times">How many requests time out; later ones pass.</param>
    /// <param name="inner">The real transport.</param>
    public AnswerArrivesTooLate(int times, HttpMessageHandler inner)
        : base(inner)
    {
        _remaining = times;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (Interlocked.Decrement(ref _remaining) < 0)
        {
            return response;
        }

        response.Dispose();
        throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.", new TimeoutException("The operation was canceled."));
    }
}
