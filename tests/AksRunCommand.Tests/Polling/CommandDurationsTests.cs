using AksRunCommand.Polling;
using CsCheck;
using Xunit.Abstractions;

namespace AksRunCommand.Tests.Polling;

// Where a fleet run aims a running command's next poll, from the durations of its commands that finished: for any
// durations and age, nothing is aimed with fewer than three longer than the age (the default schedule keeps it); an aim
// is at least a second and lands on one of the longer durations, at or past 90 % of them, so a poll there finds most
// finished; recording order does not matter.
public sealed class CommandDurationsTests(ITestOutputHelper output)
{
    [Fact]
    public void Aim_AnyDurationsAndAge_LandsOnTheNinetiethPercentileOfTheLongerOnes_OrNothing()
    {
        Gen.Select(Gen.Double[0, 600].Array[0, 40], Gen.Double[0, 700]).Sample(
            (drawn, drawnAge) =>
            {
                var durations = drawn.Select(d => TimeSpan.FromSeconds(d).TotalSeconds).ToArray(); // as a TimeSpan holds them
                var ageSeconds = TimeSpan.FromSeconds(drawnAge).TotalSeconds;
                var sut = new CommandDurations();
                foreach (var d in durations)
                {
                    sut.Record(TimeSpan.FromSeconds(d));
                }

                var age = TimeSpan.FromSeconds(ageSeconds);

                var aim = sut.Aim(age);

                var longer = durations.Where(d => d > ageSeconds).Order().ToArray();
                Assert.Equal(durations.Length, sut.Count);
                if (longer.Length < CommandDurations.MinimumSamples)
                {
                    Assert.Null(aim);
                    return;
                }

                Assert.NotNull(aim);
                Assert.True(aim >= TimeSpan.FromSeconds(1), $"aim {aim} under a second");
                var at = ageSeconds + aim.Value.TotalSeconds;
                var found = longer.Count(d => d <= at + 1e-6);
                Assert.True(found >= CommandDurations.AimQuantile * longer.Length - 1e-9, $"a poll at {at:0.###} s finds {found} of {longer.Length} finished");
                Assert.True(aim == TimeSpan.FromSeconds(1) || longer.Any(d => Math.Abs(d - at) < 1e-3), $"a poll at {at:0.###} s is on none of the durations");
                var before = longer.Count(d => d < at - 1e-6);
                Assert.True(before < CommandDurations.AimQuantile * longer.Length || aim == TimeSpan.FromSeconds(1), $"aimed later than the quantile needs: {before} of {longer.Length} finished before {at:0.###} s");
            },
            writeLine: output.WriteLine,
            iter: 5000,
            print: c => $"durations [{string.Join(", ", c.Item1.Select(d => d.ToString("0.###")))}], age {c.Item2:0.###}");
    }

    // Ten commands finished in 18-24 s: one running for 5 s is next polled at 23 s (the ninth of ten), not a second
    // later as the default schedule would; one with three longer left is polled at the last of them; one with fewer
    // than three longer keeps the default schedule.
    [Fact]
    public void Aim_ACommandLikeTheOthers_IsPolledWhereTheyFinished()
    {
        var sut = new CommandDurations();
        foreach (var d in new[] { 24, 18, 19, 20, 20, 21, 21, 22, 23, 19 })
        {
            sut.Record(TimeSpan.FromSeconds(d));
        }

        Assert.Equal(TimeSpan.FromSeconds(18), sut.Aim(TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(2.5), sut.Aim(TimeSpan.FromSeconds(21.5)));
        Assert.Null(sut.Aim(TimeSpan.FromSeconds(22.5)));
    }
}
