using Microsoft.Kiota.Abstractions.Authentication;

namespace AksRunCommand.Http;

// Kiota's Azure provider treats only "localhost" as loopback and matches hosts without port or scheme;
// this one gives a token only to the configured endpoint's exact origin, from the client's token cache.
internal sealed class ArmAccessTokenProvider : IAccessTokenProvider
{
    private const string ClaimsKey = "claims";
    private readonly TokenCache _tokens;
    private readonly Uri _endpoint;
    private readonly string _scope;

    public ArmAccessTokenProvider(TokenCache tokens, Uri endpoint)
    {
        _tokens = tokens;
        _endpoint = endpoint;
        _scope = endpoint.GetLeftPart(UriPartial.Authority) + "/.default";
        AllowedHostsValidator = new AllowedHostsValidator([endpoint.Host]);
    }

    public AllowedHostsValidator AllowedHostsValidator { get; }

    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (Uri.Compare(uri, _endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return string.Empty; // never a token for another origin
        }

        var claims = additionalAuthenticationContext is not null && additionalAuthenticationContext.TryGetValue(ClaimsKey, out var value) ? value as string : null;
        return await _tokens.GetTokenAsync(_scope, string.IsNullOrEmpty(claims) ? null : claims, cancellationToken).ConfigureAwait(false);
    }
}
