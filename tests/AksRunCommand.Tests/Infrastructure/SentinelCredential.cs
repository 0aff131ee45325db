using System.Collections.Concurrent;
using Azure.Core;

namespace AksRunCommand.Tests.Infrastructure;

/// <summary>A credential that hands out recognisable fake tokens and records the scopes asked for.</summary>
public sealed class SentinelCredential : TokenCredential
{
    public const string ArmToken = "arm-token-SENTINEL-7f3a";
    public const string ClusterToken = "cluster-token-SENTINEL-91bd";

    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => Token(requestContext);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(Token(requestContext));

    private AccessToken Token(TokenRequestContext context)
    {
        var scope = string.Join(" ", context.Scopes);
        Scopes.Enqueue(scope);
        var token = scope.StartsWith("6dae42f8-4368-4678-94ff-3960e28e3630", StringComparison.Ordinal) ? ClusterToken : ArmToken;
        return new AccessToken(token, DateTimeOffset.MaxValue);
    }
}
