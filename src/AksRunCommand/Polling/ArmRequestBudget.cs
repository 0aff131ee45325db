namespace AksRunCommand;

/// <summary>
/// The request rate the client allows itself against ARM, per subscription (a client is one principal on one
/// endpoint, which is what ARM throttles): a token bucket for reads (the polls) and one for writes (the run
/// requests). The defaults are ARM's token-bucket scheme with 20 % headroom; the client also follows the
/// <c>x-ms-ratelimit-remaining-subscription-*</c> headers down before the service's bucket is empty, and a 429
/// pauses the bucket for its Retry-After, then resumes at half the rate for 30 s.
/// </summary>
public sealed class ArmRequestBudget
{
    /// <summary>Default <see cref="ReadCapacity"/>: 200 (ARM's burst of 250, less 20 %).</summary>
    public const int DefaultReadCapacity = 200;

    /// <summary>Default <see cref="ReadsPerSecond"/>: 20 (ARM refills 25 per second).</summary>
    public const double DefaultReadsPerSecond = 20;

    /// <summary>Default <see cref="WriteCapacity"/>: 160 (ARM's burst of 200, less 20 %).</summary>
    public const int DefaultWriteCapacity = 160;

    /// <summary>Default <see cref="WritesPerSecond"/>: 8 (ARM refills 10 per second).</summary>
    public const double DefaultWritesPerSecond = 8;

    private int _readCapacity = DefaultReadCapacity;
    private double _readsPerSecond = DefaultReadsPerSecond;
    private int _writeCapacity = DefaultWriteCapacity;
    private double _writesPerSecond = DefaultWritesPerSecond;

    /// <summary>False to send requests as fast as operations ask (the service's 429s still pause the client); default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Reads the client may send at once before it has to wait for the refill; 1 to 100,000, default 200.</summary>
    public int ReadCapacity
    {
        get => _readCapacity;
        set => _readCapacity = Check(value, nameof(ReadCapacity));
    }

    /// <summary>Reads the bucket refills per second; more than 0 and at most 10,000, default 20. For subscriptions on ARM's older hourly scheme, 12,000 / 3,600.</summary>
    public double ReadsPerSecond
    {
        get => _readsPerSecond;
        set => _readsPerSecond = Check(value, nameof(ReadsPerSecond));
    }

    /// <summary>Writes (run requests) the client may send at once; 1 to 100,000, default 160.</summary>
    public int WriteCapacity
    {
        get => _writeCapacity;
        set => _writeCapacity = Check(value, nameof(WriteCapacity));
    }

    /// <summary>Writes the bucket refills per second; more than 0 and at most 10,000, default 8. For the hourly scheme, 1,200 / 3,600.</summary>
    public double WritesPerSecond
    {
        get => _writesPerSecond;
        set => _writesPerSecond = Check(value, nameof(WritesPerSecond));
    }

    private static int Check(int value, string name) =>
        value is >= 1 and <= 100_000 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be 1 to 100,000.");

    private static double Check(double value, string name) =>
        value is > 0 and <= 10_000 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be more than 0 and at most 10,000.");
}
