using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace AksRunCommand.Http;

/// <summary>
/// Bearer authentication for Kiota's adapter, from the client's token cache. It gives a token only to the
/// configured endpoint's exact origin (scheme, host and port; Kiota's Azure provider treats only "localhost" as
/// loopback and matches hosts without port or scheme), reuses the cached header value (the base provider builds
/// <c>"Bearer " + token</c>, several KB, per request), and on a claims challenge (the adapter passes
/// <c>claims</c>) replaces the header with a fresh token that carries them.
/// </summary>
internal sealed class ArmBearerAuthentication : IAuthenticationProvider
{
    private const string AuthorizationHeader = "Authorization";
    private const string ClaimsKey = "claims";
    private readonly TokenCache _tokens;
    private readonly Uri _endpoint;
    private readonly string _scope;

    public ArmBearerAuthentication(TokenCache tokens, Uri endpoint)
    {
        _tokens = tokens;
        _endpoint = endpoint;
        _scope = endpoint.GetLeftPart(UriPartial.Authority) + "/.default";
    }

    public async Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var claims = additionalAuthenticationContext is not null && additionalAuthenticationContext.TryGetValue(ClaimsKey, out var value) ? value as string : null;
        if (!string.IsNullOrEmpty(claims))
        {
            request.Headers.Remove(AuthorizationHeader);
        }
        else if (request.Headers.ContainsKey(AuthorizationHeader))
        {
            return; // the caller set its own
        }

        if (!IsEndpoint(request.URI))
        {
            return; // never a token for another origin
        }

        request.Headers.Add(AuthorizationHeader, await _tokens.GetAuthorizationAsync(_scope, string.IsNullOrEmpty(claims) ? null : claims, cancellationToken).ConfigureAwait(false));
    }

    private bool IsEndpoint(Uri uri) =>
        Uri.Compare(uri, _endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
