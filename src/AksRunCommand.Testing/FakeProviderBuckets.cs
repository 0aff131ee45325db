namespace AksRunCommand.Testing;

// The resource provider's own buckets, whatever the principal, refilled lazily from the fake's clock: LIST
// managedClusters per subscription and per resource group, "all other APIs" (run requests and polls) per
// subscription, GET managedCluster per cluster. Separate from ARM's buckets (FakeArmBuckets), which come first.
internal sealed class FakeProviderBuckets(FakeArmThrottling throttling, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Takes a token of a LIST's bucket: allowed, or the whole seconds until a token is there.</summary>
    public (bool Allowed, int RetryAfterSeconds) TakeList(Guid subscription, string? resourceGroup) => resourceGroup is null
        ? Take($"list/{subscription:D}", throttling.ListCapacity, throttling.ListPerSecond)
        : Take($"list/{subscription:D}/{resourceGroup}", throttling.ListPerResourceGroupCapacity, throttling.ListPerResourceGroupPerSecond);

    /// <summary>Takes a token of the subscription's "all other APIs" bucket (a run request or a poll).</summary>
    public (bool Allowed, int RetryAfterSeconds) TakeOther(Guid subscription) =>
        Take($"other/{subscription:D}", throttling.ProviderCapacity, throttling.ProviderPerSecond);

    /// <summary>Takes a token of one cluster's GET bucket.</summary>
    public (bool Allowed, int RetryAfterSeconds) TakeClusterGet(ClusterId cluster) =>
        Take($"get/{cluster.ResourceId}", throttling.ClusterGetCapacity, throttling.ClusterGetPerSecond);

    private (bool Allowed, int RetryAfterSeconds) Take(string key, int? capacity, double rate)
    {
        if (capacity is not { } full)
        {
            return (true, 0);
        }

        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var (tokens, at) = _buckets.TryGetValue(key, out var bucket) ? bucket : (full, now);
            tokens = Math.Min(full, tokens + ((now - at).TotalSeconds * rate));
            if (tokens < 1)
            {
                _buckets[key] = (tokens, now);
                return (false, (int)Math.Ceiling((1 - tokens) / rate));
            }

            _buckets[key] = (tokens - 1, now);
            return (true, 0);
        }
    }
}
