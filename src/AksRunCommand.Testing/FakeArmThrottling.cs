namespace AksRunCommand.Testing;

/// <summary>
/// ARM's request throttling as the fake simulates it: a token bucket per subscription and principal (the
/// caller's bearer token) for reads (GET) and one for writes (POST), refilled continuously on the fake's
/// clock. Every request takes a token and gets <c>x-ms-ratelimit-remaining-subscription-reads</c> or
/// <c>-writes</c>; an empty bucket answers 429 with <c>Retry-After</c>.
/// On top of ARM, the resource provider's limit on LIST managedClusters can be turned on (<see cref="ListCapacity"/>,
/// <see cref="ListPerResourceGroupCapacity"/>): per subscription (and per resource group), whatever the principal,
/// answering 429 with <c>Retry-After</c> and no remaining-budget header, as AKS does; so can its bucket for "all other
/// APIs" (<see cref="ProviderCapacity"/>: run requests and polls, per subscription) and its per-cluster GET bucket
/// (<see cref="ClusterGetCapacity"/>). <see cref="ResourceProviderLimits"/> is AKS's documented quota on top of ARM's.
/// </summary>
public sealed class FakeArmThrottling
{
    /// <summary>The token-bucket scheme ARM documents: reads 250 burst, 25 per second; writes 200 burst, 10 per second.</summary>
    public static FakeArmThrottling TokenBucketScheme => new() { ReadCapacity = 250, ReadsPerSecond = 25, WriteCapacity = 200, WritesPerSecond = 10 };

    /// <summary>The older scheme, still in force for some subscriptions: 12,000 reads and 1,200 writes per hour.</summary>
    public static FakeArmThrottling HourlyScheme => new() { ReadCapacity = 12_000, ReadsPerSecond = 12_000 / 3600.0, WriteCapacity = 1_200, WritesPerSecond = 1_200 / 3600.0 };

    /// <summary>
    /// ARM's token buckets with AKS's documented limits on top (its quota page, per subscription unless noted): LIST
    /// managedClusters 500 burst and 1 per second (60 and 1 per second per resource group), GET managedCluster 60 and 1 per
    /// second per cluster, all other APIs (run requests, polls) 60 and 1 per second. Whether run command counts in "all
    /// other APIs" is not documented: this fake assumes it does, the stricter reading.
    /// </summary>
    public static FakeArmThrottling ResourceProviderLimits => new()
    {
        ReadCapacity = 250, ReadsPerSecond = 25, WriteCapacity = 200, WritesPerSecond = 10,
        ListCapacity = 500, ListPerSecond = 1, ListPerResourceGroupCapacity = 60, ListPerResourceGroupPerSecond = 1,
        ProviderCapacity = 60, ProviderPerSecond = 1, ClusterGetCapacity = 60, ClusterGetPerSecond = 1,
    };

    /// <summary>Read tokens a full bucket holds.</summary>
    public int ReadCapacity { get; init; } = 250;

    /// <summary>Read tokens added per second.</summary>
    public double ReadsPerSecond { get; init; } = 25;

    /// <summary>Write tokens a full bucket holds.</summary>
    public int WriteCapacity { get; init; } = 200;

    /// <summary>Write tokens added per second.</summary>
    public double WritesPerSecond { get; init; } = 10;

    private readonly int? _listCapacity;
    private readonly int? _providerCapacity;
    private readonly double _providerPerSecond = 1;
    private readonly int? _clusterGetCapacity;
    private readonly double _clusterGetPerSecond = 1;

    /// <summary>
    /// Whether ARM's answers carry <c>x-ms-ratelimit-remaining-subscription-reads</c>/<c>-writes</c>; default true. False
    /// models a limit the client can learn only from its 429s.
    /// </summary>
    public bool RemainingHeaders { get; init; } = true;

    /// <summary>
    /// The resource provider's bucket for "all other APIs" (run requests and commandResults polls), per subscription and
    /// whatever the principal: AKS documents 60. Null (the default): no such limit. 1 to 100,000.
    /// </summary>
    public int? ProviderCapacity
    {
        get => _providerCapacity;
        init => _providerCapacity = value is null or (>= 1 and <= 100_000) ? value : throw new ArgumentOutOfRangeException(nameof(ProviderCapacity), value, "ProviderCapacity must be 1 to 100,000, or null for no limit.");
    }

    /// <summary>"All other APIs" tokens added per second (AKS documents 1); more than 0, default 1.</summary>
    public double ProviderPerSecond
    {
        get => _providerPerSecond;
        init => _providerPerSecond = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(ProviderPerSecond), value, "ProviderPerSecond must be more than 0.");
    }

    /// <summary>The resource provider's bucket for GET of one managed cluster, per cluster: AKS documents 60. Null (the default): no such limit. 1 to 100,000.</summary>
    public int? ClusterGetCapacity
    {
        get => _clusterGetCapacity;
        init => _clusterGetCapacity = value is null or (>= 1 and <= 100_000) ? value : throw new ArgumentOutOfRangeException(nameof(ClusterGetCapacity), value, "ClusterGetCapacity must be 1 to 100,000, or null for no limit.");
    }

    /// <summary>Cluster GET tokens added per second (AKS documents 1); more than 0, default 1.</summary>
    public double ClusterGetPerSecond
    {
        get => _clusterGetPerSecond;
        init => _clusterGetPerSecond = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(ClusterGetPerSecond), value, "ClusterGetPerSecond must be more than 0.");
    }

    internal bool HasProviderLimits => ListCapacity is not null || ListPerResourceGroupCapacity is not null || ProviderCapacity is not null || ClusterGetCapacity is not null;
    private readonly double _listPerSecond = 1;
    private readonly int? _listPerResourceGroupCapacity;
    private readonly double _listPerResourceGroupPerSecond = 1;

    /// <summary>
    /// The resource provider's bucket for listing the managed clusters of a whole subscription, per subscription: AKS
    /// documents 500. Null (the default): no such limit. 1 to 100,000.
    /// </summary>
    public int? ListCapacity
    {
        get => _listCapacity;
        init => _listCapacity = value is null or (>= 1 and <= 100_000) ? value : throw new ArgumentOutOfRangeException(nameof(ListCapacity), value, "ListCapacity must be 1 to 100,000, or null for no limit.");
    }

    /// <summary>Subscription list tokens added per second (AKS documents 1); more than 0, default 1.</summary>
    public double ListPerSecond
    {
        get => _listPerSecond;
        init => _listPerSecond = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(ListPerSecond), value, "ListPerSecond must be more than 0.");
    }

    /// <summary>
    /// The resource provider's bucket for listing the managed clusters of one resource group, per resource group: AKS
    /// documents 60. A list by resource group takes from this bucket only. Null (the default): no such limit. 1 to 100,000.
    /// </summary>
    public int? ListPerResourceGroupCapacity
    {
        get => _listPerResourceGroupCapacity;
        init => _listPerResourceGroupCapacity = value is null or (>= 1 and <= 100_000) ? value : throw new ArgumentOutOfRangeException(nameof(ListPerResourceGroupCapacity), value, "ListPerResourceGroupCapacity must be 1 to 100,000, or null for no limit.");
    }

    /// <summary>Resource group list tokens added per second (AKS documents 1); more than 0, default 1.</summary>
    public double ListPerResourceGroupPerSecond
    {
        get => _listPerResourceGroupPerSecond;
        init => _listPerResourceGroupPerSecond = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(ListPerResourceGroupPerSecond), value, "ListPerResourceGroupPerSecond must be more than 0.");
    }
}
