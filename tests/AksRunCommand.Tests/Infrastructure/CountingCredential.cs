using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;

namespace AksRunCommand.Tests.Infrastructure;

/// <summary>
/// A credential that counts its calls, as a developer credential would cost them (the Azure CLI one runs a
/// process per call), and hands out tokens that expire <see cref="Lifetime"/> after the clock's now.
/// </summary>
public sealed class CountingCredential(TimeProvider clock) : TokenCredential
{
    private int _calls;

    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>When set, each token says to refresh it this long after it was issued (<see cref="AccessToken.RefreshOn"/>).</summary>
    public TimeSpan? RefreshIn { get; init; }

    /// <summary>When set, a call throws this instead of handing out a token.</summary>
    public Exception? Failure { get; set; }

    /// <summary>The numbers of the calls (1 for the first) that throw <see cref="CredentialUnavailableException"/>.</summary>
    public IReadOnlySet<int> FailingCalls { get; init; } = new HashSet<int>();

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentQueue<TokenRequestContext> Requests { get; } = new();

    /// <summary>When each call came, on the clock.</summary>
    public ConcurrentQueue<DateTimeOffset> CallTimes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => Issue(requestContext);

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        await Task.Yield(); // as a real credential: not complete on the caller's stack
        return Issue(requestContext);
    }

    private AccessToken Issue(TokenRequestContext context)
    {
        var call = Interlocked.Increment(ref _calls);
        Requests.Enqueue(context);
        var now = clock.GetUtcNow();
        CallTimes.Enqueue(now);
        if (Failure is { } failure)
        {
            throw failure;
        }

        if (FailingCalls.Contains(call))
        {
            throw new CredentialUnavailableException($"call {call} fails, as scripted");
        }

        var scope = string.Join(" ", context.Scopes);
        var token = (scope.StartsWith("6dae42f8-4368-4678-94ff-3960e28e3630", StringComparison.Ordinal) ? SentinelCredential.ClusterToken : SentinelCredential.ArmToken) + "-" + call;
        return new AccessToken(token, now + Lifetime, refreshOn: RefreshIn is { } refresh ? now + refresh : null);
    }
}
