using Azure.Core;

namespace AksRunCommand.Tests.Infrastructure;

/// <summary>
/// A credential whose token for one scope never comes until the caller cancels (a slow <c>az</c> login, a stuck
/// managed identity endpoint); other scopes get a token at once. <see cref="Asked"/> completes when it is asked.
/// </summary>
public sealed class BlockingCredential(string blockedScopePrefix) : TokenCredential
{
    private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Asked => _asked.Task;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        throw new NotSupportedException("async only");

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        if (string.Join(" ", requestContext.Scopes).StartsWith(blockedScopePrefix, StringComparison.Ordinal))
        {
            _asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return new AccessToken("blocking-credential-token", DateTimeOffset.MaxValue);
    }
}
