using Azure.Core;

namespace AksRunCommand.Cli;

// AKS_RUN_ACCESS_TOKEN: a bearer token used as it is (CI, az account get-access-token).
internal sealed class AccessTokenCredential(string token) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.MaxValue);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    public override string ToString() => "AKS_RUN_ACCESS_TOKEN (redacted)";
}
