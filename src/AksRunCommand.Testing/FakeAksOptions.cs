namespace AksRunCommand.Testing;

/// <summary>Options of a <see cref="FakeAks"/>.</summary>
public sealed class FakeAksOptions
{
    private TimeProvider _timeProvider = TimeProvider.System;
    private Func<ClusterId, bool> _clusterExists = _ => true;
    private int _listPageSize = DefaultListPageSize;

    /// <summary>Default <see cref="ListPageSize"/>: 100.</summary>
    public const int DefaultListPageSize = 100;

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

    /// <summary>
    /// How many clusters one page of a managedClusters list holds before its <c>nextLink</c> (absolute, on the fake's own
    /// endpoint, with a <c>$skipToken</c>); 1 to 1,000, default 100.
    /// </summary>
    public int ListPageSize
    {
        get => _listPageSize;
        set => _listPageSize = value is >= 1 and <= 1000 ? value : throw new ArgumentOutOfRangeException(nameof(ListPageSize), value, "ListPageSize must be 1 to 1,000.");
    }

    /// <summary>
    /// When set, every list's <c>nextLink</c> points at this host instead of the fake's own endpoint (path and query kept),
    /// for tests of a client that must not follow it there. Null (the default): the fake's endpoint.
    /// </summary>
    public Uri? NextLinkHost { get; set; }

    /// <summary>The port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }
}
