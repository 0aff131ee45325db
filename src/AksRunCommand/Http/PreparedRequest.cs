using Microsoft.Kiota.Abstractions;

namespace AksRunCommand.Http;

/// <summary>
/// A request the generated builder made once (method, URL template, headers) with its URI expanded once. Each send
/// gets a fresh <see cref="RequestInformation"/> with its own dictionaries and that URI set: Kiota's URI getter
/// expands the template on every read (the bearer provider reads it, the adapter reads it again), and the
/// generated request shares the builder's path parameters, which the URI setter would clear. The template stays
/// on the request for Kiota's tracing.
/// </summary>
internal sealed class PreparedRequest
{
    private readonly Method _method;
    private readonly string? _urlTemplate;
    private readonly KeyValuePair<string, string[]>[] _headers;

    private PreparedRequest(Method method, string? urlTemplate, Uri uri, KeyValuePair<string, string[]>[] headers)
    {
        _method = method;
        _urlTemplate = urlTemplate;
        Uri = uri;
        _headers = headers;
    }

    public Uri Uri { get; }

    /// <summary>Keeps what <paramref name="generated"/> says about the request, without its content.</summary>
    public static PreparedRequest From(RequestInformation generated)
    {
        ArgumentNullException.ThrowIfNull(generated);
        var headers = generated.Headers
            .Where(h => !string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))
            .Select(h => new KeyValuePair<string, string[]>(h.Key, [.. h.Value]))
            .ToArray();
        return new PreparedRequest(generated.HttpMethod, generated.UrlTemplate, generated.URI, headers);
    }

    /// <summary>A fresh request to send: nothing in it is shared with another request, except the immutable URI.</summary>
    public RequestInformation Create()
    {
        var request = new RequestInformation
        {
            HttpMethod = _method,
            UrlTemplate = _urlTemplate,
            PathParameters = new Dictionary<string, object>(1, StringComparer.OrdinalIgnoreCase),
        };
        request.URI = Uri;
        foreach (var (name, values) in _headers)
        {
            request.Headers.Add(name, values);
        }

        return request;
    }

    /// <summary>Points <paramref name="generated"/> (fresh from the builder) at this URI without expanding its template again.</summary>
    public void Apply(RequestInformation generated)
    {
        ArgumentNullException.ThrowIfNull(generated);
        generated.PathParameters = new Dictionary<string, object>(1, StringComparer.OrdinalIgnoreCase); // detach from the builder's dictionary first
        generated.URI = Uri;
    }
}
