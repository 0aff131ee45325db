using AksRunCommand.Polling;
using CsCheck;

namespace AksRunCommand.Tests.Polling;

// Short budget goes to the operation most likely to have finished since it was last polled.
public sealed class PollPriorityTests
{
    [Fact]
    public void Score_AYoungCommandPolledLongAgo_BeatsAnOldOnePolledAMomentAgo()
    {
        var young = PollPriority.Score(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
        var old = PollPriority.Score(TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(299));

        Assert.True(young > old, $"{young} vs {old}");
    }

    [Fact]
    public void Score_IsAProbabilityThatGrowsWithTheTimeSinceTheLastPoll()
    {
        Gen.Select(Gen.Double[0, 7200], Gen.Double[0, 7200], Gen.Double[0, 600]).Sample(
            (lastPoll, since, more) =>
            {
                var s = TimeSpan.FromSeconds(lastPoll);
                var a = PollPriority.Score(s + TimeSpan.FromSeconds(since), s);
                var b = PollPriority.Score(s + TimeSpan.FromSeconds(since + more), s);
                return a is >= 0 and <= 1 && b >= a;
            },
            iter: 1000);
    }
}
