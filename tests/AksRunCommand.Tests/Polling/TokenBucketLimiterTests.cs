using System.Threading.RateLimiting;
using AksRunCommand.Polling;
using AksRunCommand.Testing;

namespace AksRunCommand.Tests.Polling;

// The budget's bucket keeps time on the injected clock, so fake time drives it; it learns from the service.
public sealed class TokenBucketLimiterTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void Acquire_BeyondTheBurst_FailsWithTheWaitUntilTheNextToken()
    {
        var sut = new TokenBucketLimiter(capacity: 3, perSecond: 2, _clock);

        var granted = Enumerable.Range(0, 3).Select(_ => sut.AttemptAcquire(1).IsAcquired).ToList();
        using var refused = sut.AttemptAcquire(1);

        Assert.All(granted, Assert.True);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait));
        Assert.InRange(wait, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.51));
    }

    [Fact]
    public void Refill_FollowsTheInjectedClock()
    {
        var sut = new TokenBucketLimiter(capacity: 10, perSecond: 5, _clock);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(sut.AttemptAcquire(1).IsAcquired);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(5, sut.Available, precision: 6);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(10, sut.Available, precision: 6); // never more than a full bucket
    }

    [Fact]
    public void Follow_TheServicesRemainingBudget_LowersTheTokensAndKeepsAReserve()
    {
        var sut = new TokenBucketLimiter(capacity: 200, perSecond: 20, _clock);

        sut.Follow(remaining: 50);

        Assert.Equal(30, sut.Available, precision: 6); // 50 left at the service, less a reserve of a tenth of the bucket
    }

    [Fact]
    public void Pause_OnA429_SendsNothingUntilTheRetryAfter_ThenOneAtOnceAndTheRestAtHalfRate()
    {
        var sut = new TokenBucketLimiter(capacity: 100, perSecond: 10, _clock);

        sut.Pause(TimeSpan.FromSeconds(5));

        Assert.False(sut.AttemptAcquire(1).IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(sut.AttemptAcquire(1).IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(sut.AttemptAcquire(1).IsAcquired);
        Assert.False(sut.AttemptAcquire(1).IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(10, sut.Available, precision: 6); // 2 s at 5 per second, half of 10
    }

    [Fact]
    public async Task AcquireAsync_WaitsOnTheInjectedClock()
    {
        var sut = new TokenBucketLimiter(capacity: 1, perSecond: 1, _clock);
        using var first = await sut.AcquireAsync(1);

        var second = sut.AcquireAsync(1).AsTask();
        await _clock.DriveAsync(second);

        Assert.True((await second).IsAcquired);
        Assert.InRange(_clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.01));
    }
}
