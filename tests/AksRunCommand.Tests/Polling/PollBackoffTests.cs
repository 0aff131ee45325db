using AksRunCommand.Polling;
using CsCheck;

namespace AksRunCommand.Tests.Polling;

// A failed poll's retry waits Polly's decorrelated-jitter exponential backoff, so many operations do not come back in
// lockstep; a Retry-After is a floor with at most 10 % jitter on top; the same seed repeats exactly.
public sealed class PollBackoffTests
{
    private static readonly ArmRetryOptions Options = new();

    [Fact]
    public void Delay_ManyOperations_SpreadOutInsteadOfLockstep()
    {
        var firsts = Enumerable.Range(0, 200).Select(seed => Delays(new Random(seed).NextDouble, retryAfter: null, retries: 1)[0]).ToList();

        Assert.True(firsts.Distinct().Count() >= 190, $"{firsts.Distinct().Count()} distinct first delays of 200");
        Assert.True(firsts.Max() - firsts.Min() > TimeSpan.FromSeconds(0.5), $"first delays span {firsts.Min()} to {firsts.Max()}");
    }

    [Fact]
    public void Delay_SameSeed_RepeatsExactly_AndGrows()
    {
        var first = Delays(new Random(7).NextDouble, retryAfter: null, retries: 4);
        var second = Delays(new Random(7).NextDouble, retryAfter: null, retries: 4);

        Assert.Equal(first, second);
        Assert.True(first[3] > first[0], $"backoff grows: {string.Join(", ", first)}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void Delay_WithRetryAfter_IsAFloorWithAtMostTenPercentJitter(double random)
    {
        var delays = Delays(() => random, retryAfter: TimeSpan.FromSeconds(20), retries: 3);

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(22)));
    }

    [Fact]
    public void Delay_AnyRetryAndRetryAfter_StaysBetweenZeroAndTheLargerOfMaxDelayAndTheRetryAfterPlusTenPercent()
    {
        Gen.Select(Gen.Int[1, 20], Gen.Double[0, 1], Gen.Int[0, 700_000].Nullable()).Sample(
            (retries, random, retryAfterMs) =>
            {
                var retryAfter = retryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
                var ceiling = Options.MaxDelay > (retryAfter ?? TimeSpan.Zero) * 1.1 ? Options.MaxDelay : retryAfter!.Value * 1.1;
                return Delays(() => random * 0.999, retryAfter, retries).All(d => d >= TimeSpan.Zero && d <= ceiling);
            },
            iter: 2000);
    }

    private static List<TimeSpan> Delays(Func<double> randomizer, TimeSpan? retryAfter, int retries)
    {
        var series = 0.0;
        return Enumerable.Range(1, retries).Select(retry => PollBackoff.Delay(retry, retryAfter, Options, randomizer, ref series)).ToList();
    }
}
