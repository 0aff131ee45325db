using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace AksRunCommand.Http;

internal static class KiotaOptions
{
    // Kiota's RetryHandler resends POSTs and misreads Retry-After; the facade owns retries, so it is off per request.
    public static RetryHandlerOption NoRetry { get; } = new() { MaxRetry = 0 };
}
