using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace AksRunCommand.Http;

// The request options every facade request carries: the handler that keeps status and headers, and Kiota's
// RetryHandler and RedirectHandler off (the first resends POSTs and misreads Retry-After, the second replays
// a POST's body on 307/308); the facade owns retries. A run request also carries its resend guard.
internal static class KiotaRequestOptions
{
    private static readonly RetryHandlerOption NoRetry = new() { MaxRetry = 0 };
    private static readonly RedirectHandlerOption NoRedirect = new() { MaxRedirect = 0 };

    public static void AddTo(RequestInformation request, ArmResponseHandler handler)
    {
        request.AddRequestOptions([new ResponseHandlerOption { ResponseHandler = handler }, NoRetry, NoRedirect]);
    }

    public static void AddTo(RequestInformation request, ArmResponseHandler handler, RunRequestGuard guard)
    {
        request.AddRequestOptions([new ResponseHandlerOption { ResponseHandler = handler }, NoRetry, NoRedirect, guard]);
    }
}
