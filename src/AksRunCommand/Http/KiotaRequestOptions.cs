using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace AksRunCommand.Http;

// The request options every facade request carries: the handler that keeps status and headers, and
// Kiota's RetryHandler off (it resends POSTs and misreads Retry-After; the facade owns retries).
internal static class KiotaRequestOptions
{
    private static readonly RetryHandlerOption NoRetry = new() { MaxRetry = 0 };

    public static void AddTo(ICollection<IRequestOption> options, ArmResponseHandler handler)
    {
        options.Add(new ResponseHandlerOption { ResponseHandler = handler });
        options.Add(NoRetry);
    }
}
