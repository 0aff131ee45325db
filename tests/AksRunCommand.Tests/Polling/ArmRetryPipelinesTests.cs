using AksRunCommand.Http;
using AksRunCommand.Polling;
using AksRunCommand.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace AksRunCommand.Tests.Polling;

// Backoff is Polly's exponential with jitter, so many throttled operations do not come back in lockstep; a
// Retry-After is a floor with at most 10 % jitter on top.
public sealed class ArmRetryPipelinesTests
{
    [Fact]
    public async Task Backoff_ManyOperations_SpreadOutInsteadOfLockstep()
    {
        var firsts = new List<TimeSpan>();
        for (var seed = 0; seed < 200; seed++)
        {
            firsts.Add((await DelaysAsync(new Random(seed).NextDouble, retryAfter: null, retries: 1))[0]);
        }

        Assert.True(firsts.Distinct().Count() >= 190, $"{firsts.Distinct().Count()} distinct first delays of 200");
        Assert.True(firsts.Max() - firsts.Min() > TimeSpan.FromSeconds(0.5), $"first delays span {firsts.Min()} to {firsts.Max()}");
    }

    [Fact]
    public async Task Backoff_SameSeed_RepeatsExactly()
    {
        var first = await DelaysAsync(new Random(7).NextDouble, retryAfter: null, retries: 4);
        var second = await DelaysAsync(new Random(7).NextDouble, retryAfter: null, retries: 4);

        Assert.Equal(first, second);
        Assert.True(first[3] > first[0], $"backoff grows: {string.Join(", ", first)}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public async Task RetryAfter_IsAFloorWithAtMostTenPercentJitter(double random)
    {
        var delays = await DelaysAsync(() => random, retryAfter: "20", retries: 3);

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(22)));
    }

    private static async Task<List<TimeSpan>> DelaysAsync(Func<double> randomizer, string? retryAfter, int retries)
    {
        var clock = new ManualClock();
        var options = new ArmRetryOptions { MaxRetries = retries };
        var pipeline = ArmRetryPipelines.ForPolls(options, clock, randomizer, NullLogger.Instance);
        var run = pipeline.ExecuteAsync(_ =>
        {
            using var message = new HttpResponseMessage();
            if (retryAfter is not null)
            {
                message.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            return ValueTask.FromResult(new ArmResponse(503, message.Headers, []));
        }).AsTask();
        await clock.DriveAsync(run);
        return clock.Advanced;
    }
}
