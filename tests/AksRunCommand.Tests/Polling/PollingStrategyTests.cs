namespace AksRunCommand.Tests.Polling;

public sealed class PollingStrategyTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(29.9, 1)]
    [InlineData(30, 2)]
    [InlineData(59, 2)]
    [InlineData(60, 3)]
    [InlineData(119, 3)]
    [InlineData(120, 5)]
    [InlineData(3600, 5)]
    public void Default_StepsFromOneSecondToFive(double elapsedSeconds, double expectedSeconds)
    {
        var delay = PollingStrategy.Default.GetDelay(pollCount: 3, TimeSpan.FromSeconds(elapsedSeconds));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public void Default_NeverPollsMoreThanOncePerSecond()
    {
        for (var s = 0; s < 600; s++)
        {
            Assert.True(PollingStrategy.Default.GetDelay(s, TimeSpan.FromSeconds(s)) >= TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Sequence_RepeatsTheLastDelay()
    {
        var sut = PollingStrategy.Sequence(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));

        var delays = Enumerable.Range(0, 5).Select(i => sut.GetDelay(i, TimeSpan.Zero).TotalSeconds);

        Assert.Equal([1, 2, 4, 4, 4], delays);
    }

    [Fact]
    public void Fixed_IsConstant()
    {
        var sut = PollingStrategy.Fixed(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(5), sut.GetDelay(0, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(5), sut.GetDelay(100, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Sequence_NegativeDelay_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => PollingStrategy.Sequence(TimeSpan.FromSeconds(-1)));

        Assert.Equal("delays", error.ParamName);
    }
}
