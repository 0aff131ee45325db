using System.Security.Cryptography;
using Azure.Core;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// A credential whose tokens are the size of real Entra ID access tokens (about 2 KB: header, claims and an
/// RS256 signature, base64url), valid for an hour, handed out as a real credential does: a new token object
/// per call. Each client reaches it through its own token path (the facade's cache, Azure.Core's bearer policy,
/// the raw floor's cache).
/// </summary>
public sealed class JwtCredential : TokenCredential
{
    private static readonly string Token = MakeToken();
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return new AccessToken(new string(Token.AsSpan()), DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    private static string MakeToken()
    {
        static string Part(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part(120)}.{Part(1200)}.{Part(256)}"; // about 2,100 characters
    }
}
