using System.Diagnostics;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace AksRunCommand.Http;

/// <summary>
/// A request the generated builder made once (method, URL template, headers) with its URI expanded once. Each send
/// gets a fresh <see cref="RequestInformation"/> with its own dictionaries and that URI set: Kiota's URI getter
/// expands the template on every read (the bearer provider reads it, the adapter reads it again), and the
/// generated request shares the builder's path parameters, which the URI setter would clear. The template stays
/// on the request for Kiota's tracing while somebody listens to it; otherwise it is left off, because the adapter
/// builds the span name and route from it (strings and a regex replace per request) even when no span is made.
/// </summary>
internal sealed class PreparedRequest
{
    // A source of the name Kiota's adapter traces with (its own instance is internal): a listener that subscribes to
    // that name (OpenTelemetry's AddSource does) listens to both, so this one tells whether Kiota's spans are wanted.
    // Nothing is ever started from it.
    private static readonly ActivitySource KiotaTracing = new(new ObservabilityOptions().TracerInstrumentationName);

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
            UrlTemplate = KiotaTracing.HasListeners() ? _urlTemplate : null,
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
        if (!KiotaTracing.HasListeners())
        {
            generated.UrlTemplate = null;
        }
    }
}
