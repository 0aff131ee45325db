namespace AksRunCommand.Testing;

// The resource provider's LIST managedClusters buckets: one per subscription, one per resource group (whatever the
// principal), refilled lazily from the fake's clock. Separate from ARM's buckets (FakeArmBuckets), which come first.
internal sealed class FakeListBuckets(FakeArmThrottling throttling, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Takes a token of the list's bucket: allowed, or the whole seconds until a token is there.</summary>
    public (bool Allowed, int RetryAfterSeconds) Take(Guid subscription, string? resourceGroup)
    {
        var (capacity, rate) = resourceGroup is null
            ? (throttling.ListCapacity, throttling.ListPerSecond)
            : (throttling.ListPerResourceGroupCapacity, throttling.ListPerResourceGroupPerSecond);
        if (capacity is not { } full)
        {
            return (true, 0);
        }

        var key = resourceGroup is null ? $"{subscription:D}" : $"{subscription:D}/{resourceGroup}";
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
