namespace AksRunCommand.Testing;

/// <summary>
/// ARM's request throttling as the fake simulates it: a token bucket per subscription and principal (the
/// caller's bearer token) for reads (GET) and one for writes (POST), refilled continuously on the fake's
/// clock. Every request takes a token and gets <c>x-ms-ratelimit-remaining-subscription-reads</c> or
/// <c>-writes</c>; an empty bucket answers 429 with <c>Retry-After</c>.
/// On top of ARM, the resource provider's limit on LIST managedClusters can be turned on (<see cref="ListCapacity"/>,
/// <see cref="ListPerResourceGroupCapacity"/>): per subscription (and per resource group), whatever the principal,
/// answering 429 with <c>Retry-After</c> and no remaining-budget header, as AKS does.
/// </summary>
public sealed class FakeArmThrottling
{
    /// <summary>The token-bucket scheme ARM documents: reads 250 burst, 25 per second; writes 200 burst, 10 per second.</summary>
    public static FakeArmThrottling TokenBucketScheme => new() { ReadCapacity = 250, ReadsPerSecond = 25, WriteCapacity = 200, WritesPerSecond = 10 };

    /// <summary>The older scheme, still in force for some subscriptions: 12,000 reads and 1,200 writes per hour.</summary>
    public static FakeArmThrottling HourlyScheme => new() { ReadCapacity = 12_000, ReadsPerSecond = 12_000 / 3600.0, WriteCapacity = 1_200, WritesPerSecond = 1_200 / 3600.0 };

    /// <summary>Read tokens a full bucket holds.</summary>
    public int ReadCapacity { get; init; } = 250;

    /// <summary>Read tokens added per second.</summary>
    public double ReadsPerSecond { get; init; } = 25;

    /// <summary>Write tokens a full bucket holds.</summary>
    public int WriteCapacity { get; init; } = 200;

    /// <summary>Write tokens added per second.</summary>
    public double WritesPerSecond { get; init; } = 10;

    private readonly int? _listCapacity;
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
