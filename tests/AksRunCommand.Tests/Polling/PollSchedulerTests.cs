using AksRunCommand.Polling;
using AksRunCommand.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AksRunCommand.Tests.Polling;

public sealed class PollSchedulerTests
{
    private static readonly Guid Subscription = Guid.Parse("11111111-2222-3333-4444-555555555555");

    // A pause whose remainder is under a millisecond (a timer's unit: such a delay completes at once) used to make the
    // loop wait zero, look again, and spin on its own thread for ever: under a test clock inside the advance that runs
    // it, so time could never move past the pause (seen as a hung test run).
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(9_999)]
    [InlineData(10_000_000)]
    public async Task APauseThatRoundsToNoTime_IsWaitedOut_NotSpunOn(long ticks)
    {
        var clock = new ManualClock();
        var budgets = new RequestBudgets(new ArmRequestBudget { Enabled = false }, clock, NullLogger.Instance);
        budgets.For(Subscription, write: false).Pause(TimeSpan.FromTicks(ticks));
        var scheduler = new PollScheduler(clock, budgets, NullLogger.Instance);
        var polls = 0;
        var result = new CommandResult("id1", ProvisioningStates.Succeeded, 0, null, null, "done", null);
        var now = clock.GetTimestamp();
        var operation = new ScheduledOperation(Subscription, "id1", now, now, (_, _) =>
        {
            polls++;
            return Task.FromResult(new PollStep(result, null, null));
        }, (_, _) => new OperationCanceledException(), e => e);

        // Off the test's thread, so a spinning loop fails the test (the clock finds no timer) instead of hanging it.
        var wait = Task.Run(() => scheduler.WaitAsync(operation, deadline: null, CancellationToken.None));
        var finished = await clock.RunAsync(wait);

        Assert.Same(result, finished);
        Assert.Equal(1, polls);
        Assert.True(clock.Elapsed >= TimeSpan.FromTicks(ticks), $"the poll went before the pause ended (advanced {clock.Elapsed.Ticks} ticks)");
    }
}
