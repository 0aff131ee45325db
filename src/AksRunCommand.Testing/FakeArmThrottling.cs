namespace AksRunCommand.Testing;

/// <summary>
/// ARM's request throttling as the fake simulates it: a token bucket per subscription and principal (the
/// caller's bearer token) for reads (GET) and one for writes (POST), refilled continuously on the fake's
/// clock. Every request takes a token and gets <c>x-ms-ratelimit-remaining-subscription-reads</c> or
/// <c>-writes</c>; an empty bucket answers 429 with <c>Retry-After</c>.
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
}
