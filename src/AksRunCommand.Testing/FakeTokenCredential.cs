using Azure.Core;

namespace AksRunCommand.Testing;

/// <summary>
/// A credential for tests: <c>fake-arm-token</c> for ARM scopes, <c>fake-cluster-token</c> for the AKS server
/// application. The fake records whether a token arrived, never its value.
/// </summary>
public sealed class FakeTokenCredential : TokenCredential
{
    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(requestContext.Scopes.Any(s => s.StartsWith("6dae42f8-4368-4678-94ff-3960e28e3630", StringComparison.Ordinal)) ? "fake-cluster-token" : "fake-arm-token", DateTimeOffset.MaxValue);

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
