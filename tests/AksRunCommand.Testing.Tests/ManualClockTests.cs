namespace AksRunCommand.Testing.Tests;

// The clock advances to the earliest deadline pending, not to timers in the order they were made.
public sealed class ManualClockTests
{
    private readonly ManualClock _sut = new();

    [Fact]
    public async Task DriveAsync_TimersMadeLongestFirst_AdvancesToTheEarliestDeadlineFirst()
    {
        var fired = new List<string>();
        var slow = Delay(TimeSpan.FromSeconds(10), "slow", fired);
        var fast = Delay(TimeSpan.FromSeconds(1), "fast", fired);

        await _sut.DriveAsync(Task.WhenAll(slow, fast));

        Assert.Equal(["fast", "slow"], fired);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9)], _sut.Advanced);
    }

    [Fact]
    public async Task DriveAsync_ACancelledTimer_IsNotAdvancedTo()
    {
        using var cancel = new CancellationTokenSource();
        var abandoned = Task.Delay(TimeSpan.FromMinutes(5), _sut, cancel.Token);
        await cancel.CancelAsync();
        var wanted = Task.Delay(TimeSpan.FromSeconds(2), _sut);

        await _sut.DriveAsync(wanted);

        Assert.True(abandoned.IsCanceled);
        Assert.Equal([TimeSpan.FromSeconds(2)], _sut.Advanced);
    }

    [Fact]
    public async Task DriveAsync_StopAfter_StopsBeforeAStepWouldPassIt()
    {
        var slow = Task.Delay(TimeSpan.FromSeconds(30), _sut);

        await _sut.DriveAsync(slow, stopAfter: TimeSpan.FromSeconds(10));

        Assert.False(slow.IsCompleted);
        Assert.Empty(_sut.Advanced);
    }

    [Fact]
    public async Task DriveAsync_ATimerMadeByAnotherThreadWhileTimeMoves_IsNeverSkipped()
    {
        // A chain of delays, each made on a pool thread just as the previous one fires: every one must fire, in order.
        var steps = 0;
        async Task ChainAsync()
        {
            for (var i = 0; i < 200; i++)
            {
                await Task.Run(() => Task.Delay(TimeSpan.FromSeconds(1), _sut));
                steps++;
            }
        }

        var chain = ChainAsync();
        await _sut.DriveAsync(chain);
        await chain;

        Assert.Equal(200, steps);
        Assert.Equal(TimeSpan.FromSeconds(200), _sut.Elapsed);
    }

    [Fact]
    public async Task DriveAsync_WhileAnotherDriveHasNotEnded_IsRefused_AndTheClockDrivesAgainAfterIt()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _sut.DriveAsync(gate.Task);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _sut.DriveAsync(Task.Delay(TimeSpan.FromSeconds(1), _sut)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _sut.NextTimerAsync());
        gate.SetResult();
        await first;
        await _sut.DriveAsync(Task.Delay(TimeSpan.FromSeconds(2), _sut));

        // The refused drive's 1 s delay may be advanced by the first drive (when its timer is announced before the gate
        // opens) or by the last: either way time moved to the 1 s delay, then to the end of the 2 s one, nothing more.
        Assert.InRange(_sut.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        Assert.All(_sut.Advanced, step => Assert.InRange(step, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task DriveAsync_ATimerChangedAfterItWasDisposed_IsNotAdvancedTo()
    {
        // A CancellationTokenSource re-arms its timer with Change; disposed by another thread first, the timer is dead.
        var timer = _sut.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();
        timer.Change(TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        var wanted = Task.Delay(TimeSpan.FromSeconds(5), _sut);

        await _sut.DriveAsync(wanted);

        Assert.Equal([TimeSpan.FromSeconds(5)], _sut.Advanced);
    }

    private async Task Delay(TimeSpan delay, string name, List<string> fired)
    {
        await Task.Delay(delay, _sut);
        lock (fired)
        {
            fired.Add(name);
        }
    }
}
