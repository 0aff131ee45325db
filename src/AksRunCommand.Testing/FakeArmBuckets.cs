using System.Security.Cryptography;
using System.Text;

namespace AksRunCommand.Testing;

// The fake's token buckets, one per (subscription, principal, reads or writes), refilled lazily from the fake's clock.
internal sealed class FakeArmBuckets(FakeArmThrottling throttling, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Guid, string, bool), Bucket> _buckets = [];

    /// <summary>Takes a token; the tokens left, or the seconds until one is there when the bucket is empty.</summary>
    public (bool Allowed, int Remaining, int RetryAfterSeconds) Take(Guid subscription, string? authorization, bool write)
    {
        var principal = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization ?? string.Empty)))[..16]; // never the token itself
        var capacity = write ? throttling.WriteCapacity : throttling.ReadCapacity;
        var rate = write ? throttling.WritesPerSecond : throttling.ReadsPerSecond;
        lock (_gate)
        {
            if (!_buckets.TryGetValue((subscription, principal, write), out var bucket))
            {
                _buckets[(subscription, principal, write)] = bucket = new Bucket { Tokens = capacity, At = clock.GetUtcNow() };
            }

            var now = clock.GetUtcNow();
            bucket.Tokens = Math.Min(capacity, bucket.Tokens + ((now - bucket.At).TotalSeconds * rate));
            bucket.At = now;
            if (bucket.Tokens < 1)
            {
                return (false, 0, (int)Math.Ceiling((1 - bucket.Tokens) / rate));
            }

            bucket.Tokens -= 1;
            return (true, (int)Math.Floor(bucket.Tokens), 0);
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset At { get; set; }
    }
}
