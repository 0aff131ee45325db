namespace AksRunCommand.Testing;

/// <summary>Options of a <see cref="FakeAks"/>.</summary>
public sealed class FakeAksOptions
{
    private TimeProvider _timeProvider = TimeProvider.System;
    private Func<ClusterId, bool> _clusterExists = _ => true;

    /// <summary>The clock that <c>sleep N</c> and <see cref="CommandScript.RunningFor(TimeSpan)"/> run on; default the system clock.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }

    /// <summary>Which clusters exist; others get 404 <c>ResourceNotFound</c>. Default: every cluster.</summary>
    public Func<ClusterId, bool> ClusterExists
    {
        get => _clusterExists;
        set => _clusterExists = value ?? throw new ArgumentNullException(nameof(ClusterExists));
    }

    /// <summary>When true, a run request without a cluster token gets <c>MissingAADClusterToken</c>, like a cluster with Entra ID integration.</summary>
    public bool RequireClusterToken { get; set; }

    /// <summary>
    /// When set, every request must carry <c>Authorization: Bearer</c> with exactly this token, or it gets 401
    /// <c>InvalidAuthenticationToken</c> as from ARM. The fake never records the token.
    /// </summary>
    public string? ExpectedBearerToken { get; set; }

    /// <summary>ARM's request throttling per subscription and principal; null (the default) throttles nothing. <see cref="FakeArmThrottling.TokenBucketScheme"/> is what ARM documents.</summary>
    public FakeArmThrottling? Throttling { get; set; }

    /// <summary>The port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }
}
