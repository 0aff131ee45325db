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

    // The score of a command older than an hour used to be 1 whatever its last poll: every young command starved behind it.
    [Fact]
    public void Score_ACommandOlderThanAnHourPolledAMomentAgo_LosesToAYoungOneDue()
    {
        var old = PollPriority.Score(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(5), TimeSpan.FromHours(2));
        var young = PollPriority.Score(TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(11));

        Assert.True(old < young, $"old {old} vs young {young}");
    }

    // No starvation: however old a command, waiting long enough since its last poll brings its score near 1.
    [Fact]
    public void Score_AnyCommandWaitingLongEnough_ApproachesOne()
    {
        Gen.Double[0, 86_400].Sample(
            age => PollPriority.Score(TimeSpan.FromSeconds((age * 1000) + 1_000_000), TimeSpan.FromSeconds(age)) > 0.9,
            iter: 1000);
    }
}
