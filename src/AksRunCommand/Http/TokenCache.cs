using System.Text;
using AksRunCommand.Diagnostics;
using Azure.Core;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Http;

/// <summary>
/// Tokens per scope, shared by every operation of a client, as Azure.Core's bearer policy keeps them: a cached
/// token is used until its refresh time (<see cref="AccessToken.RefreshOn"/>, else 5 minutes before it
/// expires); then one caller starts a refresh in the background while everyone keeps the still-valid token; a
/// failed background refresh keeps the old token and tries again 30 s later; an expired token is fetched in
/// the foreground, once, for all concurrent callers. Developer credentials (the Azure CLI one runs a process per
/// call) cache nothing themselves, so without this every poll would cost a token call.
/// </summary>
internal sealed class TokenCache
{
    private static readonly TimeSpan RefreshOffset = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RefreshRetryDelay = TimeSpan.FromSeconds(30);

    private readonly TokenCredential _credential;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TokenCache(TokenCredential credential, TimeProvider timeProvider, ILogger logger)
    {
        _credential = credential;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>A token for <paramref name="scope"/>; with <paramref name="claims"/> (a claims challenge, base64) always a fresh one that carries them.</summary>
    public async ValueTask<string> GetTokenAsync(string scope, string? claims, CancellationToken cancellationToken) =>
        (await GetAsync(scope, claims, cancellationToken).ConfigureAwait(false)).Token.Token;

    /// <summary>
    /// The <c>Authorization</c> header value (<c>Bearer</c> and the token) for <paramref name="scope"/>, made once per
    /// token: a real token is 1.5-2.5 KB, so building the header per request would cost twice that per request.
    /// </summary>
    public async ValueTask<string> GetAuthorizationAsync(string scope, string? claims, CancellationToken cancellationToken) =>
        (await GetAsync(scope, claims, cancellationToken).ConfigureAwait(false)).Authorization;

    private async ValueTask<CachedToken> GetAsync(string scope, string? claims, CancellationToken cancellationToken)
    {
        Task<CachedToken> fetch;
        TaskCompletionSource<CachedToken>? mine = null;
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(scope, out entry!))
            {
                _entries[scope] = entry = new Entry();
            }

            var now = _timeProvider.GetUtcNow();
            if (claims is null && entry.Token is { } token && now < token.Token.ExpiresOn)
            {
                if (now >= entry.RefreshOn && entry.Fetch is null)
                {
                    entry.Fetch = RefreshInBackgroundAsync(scope, entry);
                }

                return token; // still valid: a background refresh, if any, replaces it when it is done
            }

            if (claims is null && entry.Fetch is { } pending)
            {
                fetch = pending; // one fetch in the foreground, shared by every caller that needs it
            }
            else
            {
                mine = new TaskCompletionSource<CachedToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                fetch = entry.Fetch = mine.Task;
            }
        }

        if (mine is not null)
        {
            // Outside the lock, on this caller's thread (it waits for the token anyway): a credential that answers at once
            // gives the token without a thread hop; the others who wait for it share the one call.
            _ = FetchAsync(scope, entry, claims is null ? null : DecodeClaims(claims), mine); // never throws: its outcome is in the task
        }

        return await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FetchAsync(string scope, Entry entry, string? claims, TaskCompletionSource<CachedToken> fetched)
    {
        try
        {
            var token = await GetFromCredentialAsync(scope, entry, claims).ConfigureAwait(false);
            fetched.TrySetResult(token);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                if (entry.Fetch == fetched.Task)
                {
                    entry.Fetch = null;
                }
            }

            fetched.TrySetException(e);
        }
    }

    private async Task<CachedToken> RefreshInBackgroundAsync(string scope, Entry entry)
    {
        await Task.Yield(); // off the caller's thread and outside the lock: the caller keeps its still-valid token
        try
        {
            return await GetFromCredentialAsync(scope, entry, claims: null).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                entry.RefreshOn = _timeProvider.GetUtcNow() + RefreshRetryDelay; // keep the valid token; try again later
                entry.Fetch = null;
            }

            RunCommandLog.TokenRefreshFailed(_logger, scope, e.GetType().Name);
            return entry.Token ?? throw new InvalidOperationException("No token to keep.", e);
        }
    }

    private async Task<CachedToken> GetFromCredentialAsync(string scope, Entry entry, string? claims)
    {
        var fetched = await _credential.GetTokenAsync(new TokenRequestContext([scope], claims: claims, isCaeEnabled: true), CancellationToken.None).ConfigureAwait(false);
        var token = new CachedToken(fetched, "Bearer " + fetched.Token);
        lock (_gate)
        {
            entry.Token = token;
            entry.RefreshOn = fetched.RefreshOn ?? (fetched.ExpiresOn - RefreshOffset);
            entry.Fetch = null;
        }

        return token;
    }

    // A claims challenge carries the claims base64-encoded (RFC 6750 as ARM uses it); credentials want the JSON.
    private static string DecodeClaims(string claims)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(claims));
        }
        catch (FormatException)
        {
            return claims;
        }
    }

    private sealed class Entry
    {
        public CachedToken? Token { get; set; }

        public DateTimeOffset RefreshOn { get; set; }

        public Task<CachedToken>? Fetch { get; set; }
    }

    // A token and its Authorization header value, made together once.
    private sealed record CachedToken(AccessToken Token, string Authorization);
}
