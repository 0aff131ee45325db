using WireMock;
using WireMock.Types;

namespace AksRunCommand.Testing;

// What the fake reads of a request, and what it keeps of it: never a token's value.
internal static class FakeAksRequests
{
    public static string? ApiVersion(IRequestMessage request) =>
        request.Query is { } query && query.TryGetValue("api-version", out var v) ? v.FirstOrDefault() : null;

    /// <summary>The path as it arrived on the wire: percent-escaped, casing kept.</summary>
    public static string RawPath(IRequestMessage request) =>
        Uri.TryCreate(request.Url, UriKind.Absolute, out var url) ? url.AbsolutePath : request.Path;

    public static string? Authorization(IRequestMessage request) =>
        request.Headers is { } headers && headers.TryGetValue("Authorization", out var values) ? values.FirstOrDefault() : null;

    public static bool HasAuthorization(IRequestMessage request) =>
        request.Headers is { } headers && headers.TryGetValue("Authorization", out var values) && values.Any(v => !string.IsNullOrEmpty(v));

    public static bool HasBearer(IRequestMessage request, string token) =>
        request.Headers is { } headers && headers.TryGetValue("Authorization", out var values) && values.Any(v => string.Equals(v, "Bearer " + token, StringComparison.Ordinal));

    public static Dictionary<string, string> RedactedHeaders(IRequestMessage request) =>
        (request.Headers ?? new Dictionary<string, WireMockList<string>>()).ToDictionary(
            h => h.Key,
            h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase) ? "[redacted]" : string.Join(",", h.Value),
            StringComparer.OrdinalIgnoreCase);

    public static int StatusOf(IResponseMessage response) => Convert.ToInt32(response.StatusCode, System.Globalization.CultureInfo.InvariantCulture);
}
