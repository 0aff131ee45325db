using Azure.Core;
using Microsoft.Kiota.Abstractions.Authentication;

namespace AksRunCommand.Http;

// Kiota's Azure provider treats only "localhost" as loopback and matches hosts without port or scheme;
// this one gives a token only to the configured endpoint's exact origin.
internal sealed class ArmAccessTokenProvider : IAccessTokenProvider
{
    private readonly TokenCredential _credential;
    private readonly Uri _endpoint;
    private readonly string[] _scopes;

    public ArmAccessTokenProvider(TokenCredential credential, Uri endpoint)
    {
        _credential = credential;
        _endpoint = endpoint;
        _scopes = [endpoint.GetLeftPart(UriPartial.Authority) + "/.default"];
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

        var token = await _credential.GetTokenAsync(new TokenRequestContext(_scopes), cancellationToken).ConfigureAwait(false);
        return token.Token;
    }
}
