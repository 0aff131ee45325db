using System.Diagnostics;
using AksRunCommand.Diagnostics;
using Microsoft.Kiota.Abstractions;

namespace AksRunCommand.Http;

// ARM's x-ms-client-request-id: a fresh id per request sent (retries included), echoed in ARM's logs, so a support
// case can name the exact request; the request's span records the last one sent (az.client_request_id).
internal static class ClientRequestIds
{
    public const string Header = "x-ms-client-request-id";

    public static void AddTo(RequestInformation request, Activity? span)
    {
        var id = Guid.NewGuid().ToString();
        request.Headers.Add(Header, id);
        span?.SetTag(Telemetry.ClientRequestId, id);
    }
}
