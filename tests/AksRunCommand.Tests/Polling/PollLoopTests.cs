using AksRunCommand.Polling;
using AksRunCommand.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AksRunCommand.Tests.Polling;

// The loop's rules, one test each, on a fake clock and commands with scripted answers (no wire): what issue 21 found
// broken in the loop before it became one state machine.
public sealed class PollLoopTests : IDisposable
{
    private static readonly Guid Subscription = Guid.Parse("aaaaaaaa-2121-4000-8000-000000000021");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;

    public PollLoopTests()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
    }

    public void Dispose() => _loggers.Dispose();

    // The last waiter left while a poll was in flight, and a new waiter came before that poll answered: the new waiter
    // gets the answer of a poll of its own, the abandoned poll's end is nobody's failure, and nothing is logged as one.
    [Fact]
    public async Task TheLastWaiterLeavesDuringAPoll_ANewWaiterGetsItsOwnAnswer_AndNoFailureIsLogged()
    {
        var first = new TaskCompletionSource<PollAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answers = new Queue<Func<CancellationToken, Task<PollAnswer>>>([_ => first.Task, _ => Task.FromResult(Finished("c1"))]);
        var (loop, operation, command) = Create("c1", (_, ct) => answers.Dequeue()(ct));
        using var leaving = new CancellationTokenSource();

        var left = loop.WaitAsync(operation, PollWaiterKind.UntilDone, null, leaving.Token);
        await WhenAsync(() => command.Polls == 1);
        await leaving.CancelAsync();
        var joined = loop.WaitAsync(operation, PollWaiterKind.UntilDone, null, CancellationToken.None);
        first.SetException(new TaskCanceledException("the abandoned poll's request was cancelled")); // as HttpClient ends it

        Assert.IsType<RunCommandWaitCanceledException>(await Assert.ThrowsAnyAsync<OperationCanceledException>(() => left));
        Assert.Equal("c1", Assert.IsType<CommandResult>(await joined).CommandId);
        Assert.Equal(2, command.Polls);
        Assert.DoesNotContain(_logs.Lines, l => l.Level >= LogLevel.Warning);
    }

    // A waiter that completes before its cancellation registration is kept (here: the command already finished) lets the
    // registration go: a long-lived token (an application's shutdown token) does not keep every finished wait alive.
    [Fact]
    public async Task AWaitThatCompletesBeforeItsRegistrationIsKept_LeavesNothingOnTheToken()
    {
        var (loop, operation, _) = Create("c3", (_, _) => Task.FromResult(Finished("c3")));
        await loop.WaitAsync(operation, PollWaiterKind.UntilDone, null, CancellationToken.None); // the command is Done from here
        using var shutdown = new CancellationTokenSource();

        var waits = await WaitManyAsync(loop, operation, shutdown.Token, 200);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(0, waits.Count(w => w.IsAlive));
        GC.KeepAlive(shutdown);
    }

    // An exception while the loop handles one operation fails that operation's waiters; the loop goes on for the others.
    [Fact]
    public async Task AnExceptionWhileHandlingOneOperation_FailsItsWaitersOnly_AndTheLoopGoesOn()
    {
        var loop = CreateLoop();
        var broken = new BrokenCommand(new ClusterId(Subscription, "rg", "broken"), "broken");
        var brokenOperation = new PolledOperation(broken, Subscription, "broken", _clock.GetTimestamp(), _clock.GetTimestamp() + Seconds(10));
        var polls = 0;
        var healthy = new ScriptedCommand(new ClusterId(Subscription, "rg", "healthy"), "healthy", (_, _) => Task.FromResult(++polls < 5 ? Running("healthy") : Finished("healthy")));
        var healthyOperation = new PolledOperation(healthy, Subscription, "healthy", _clock.GetTimestamp(), _clock.GetTimestamp());

        var failing = loop.WaitAsync(brokenOperation, PollWaiterKind.UntilDone, _clock.GetTimestamp() + Seconds(2), CancellationToken.None);
        var finishing = loop.WaitAsync(healthyOperation, PollWaiterKind.UntilDone, null, CancellationToken.None);
        await AdvanceUntilAsync(() => failing.IsCompleted && finishing.IsCompleted, TimeSpan.FromSeconds(1), 60);

        var error = await Assert.ThrowsAsync<AksRunCommandException>(() => failing);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal("healthy", Assert.IsType<CommandResult>(await finishing).CommandId);
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("broken", StringComparison.Ordinal));
    }

    // A maximum wait that ends during a retry's backoff ends the wait, and the retry request never goes out.
    [Fact]
    public async Task AMaximumWaitThatEndsDuringABackoff_StopsTheWait_AndNoRetryGoesOut()
    {
        var (loop, operation, command) = Create("c5", (_, _) => Task.FromResult(PollAnswer.Transient(new AksRunCommandException("HTTP 503") { CommandId = "c5" }, TimeSpan.FromSeconds(30), 503)));

        var wait = loop.WaitAsync(operation, PollWaiterKind.UntilDone, _clock.GetTimestamp() + Seconds(5), CancellationToken.None);
        await AdvanceUntilAsync(() => wait.IsCompleted, TimeSpan.FromSeconds(1), 10);
        _clock.Advance(TimeSpan.FromMinutes(2)); // past the 30 s backoff

        Assert.True((await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => wait)).MaxWaitElapsed);
        Assert.Equal(1, command.Polls);
    }

    // A maximum wait ends on time while the operation waits out a Retry-After of ten minutes, a read budget paused by
    // another operation's 429, or a poll whose answer never comes (a credential that hangs, say).
    [Theory]
    [InlineData("retry-after")]
    [InlineData("budget-paused")]
    [InlineData("poll-hangs")]
    public async Task AMaximumWait_EndsOnTime_WhateverThePollWaitsFor(string waitingFor)
    {
        var budgets = new RequestBudgets(new ArmRequestBudget(), _clock, _loggers.CreateLogger("t"));
        var loop = CreateLoop(budgets);
        var (operation, _) = Operation("c6", waitingFor switch
        {
            "retry-after" => (_, _) => Task.FromResult(PollAnswer.Throttled(TimeSpan.FromMinutes(10), ScriptedCommand.Progress("c6", false, TimeSpan.FromMinutes(10)))),
            "poll-hangs" => (_, ct) => Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => Finished("c6"), TaskScheduler.Default),
            _ => (_, _) => Task.FromResult(Finished("c6")),
        });
        if (waitingFor == "budget-paused")
        {
            budgets.For(Subscription, write: false).Pause(TimeSpan.FromMinutes(10));
        }

        var wait = loop.WaitAsync(operation, PollWaiterKind.UntilDone, _clock.GetTimestamp() + Seconds(5), CancellationToken.None);
        var elapsed = await AdvanceUntilAsync(() => wait.IsCompleted, TimeSpan.FromMilliseconds(500), 40);

        Assert.True((await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => wait)).MaxWaitElapsed);
        Assert.Equal(TimeSpan.FromSeconds(5), elapsed);
    }

    // UpdateStatusAsync's waiter takes the next answer at once, without disturbing a waiter of the whole command.
    [Fact]
    public async Task ANextAnswerWaiter_GetsThePollItBroughtForward_WhileTheWholeWaitGoesOn()
    {
        var polls = 0;
        var (loop, operation, _) = Create("c7", (_, _) => Task.FromResult(++polls < 3 ? Running("c7") : Finished("c7")));
        var whole = loop.WaitAsync(operation, PollWaiterKind.UntilDone, null, CancellationToken.None);
        await WhenAsync(() => polls == 1);

        var next = (RunCommandProgress)await loop.WaitAsync(operation, PollWaiterKind.NextAnswer, null, CancellationToken.None); // due in 1 s: brought forward to now
        await AdvanceUntilAsync(() => whole.IsCompleted, TimeSpan.FromSeconds(1), 10);

        Assert.False(next.HasCompleted);
        Assert.Equal(3, polls);
        Assert.Equal("c7", Assert.IsType<CommandResult>(await whole).CommandId);
    }

    private static PollAnswer Finished(string id) => PollAnswer.Finished(new CommandResult(id, ProvisioningStates.Succeeded, 0, null, null, "ok", null), ScriptedCommand.Progress(id, true, TimeSpan.Zero));

    private static PollAnswer Running(string id) => PollAnswer.Running(TimeSpan.FromSeconds(1), ScriptedCommand.Progress(id, false, TimeSpan.FromSeconds(1)));

    // Not inlined into the test: the waits' tasks must be unreachable from its frame when the test collects.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<List<WeakReference>> WaitManyAsync(PollLoop loop, PolledOperation operation, CancellationToken token, int count)
    {
        var weak = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            var wait = loop.WaitAsync(operation, PollWaiterKind.UntilDone, null, token);
            await wait;
            weak.Add(new WeakReference(wait));
        }

        return weak;
    }

    private (PollLoop Loop, PolledOperation Operation, ScriptedCommand Command) Create(string id, Func<int, CancellationToken, Task<PollAnswer>> answer)
    {
        var loop = CreateLoop();
        var (operation, command) = Operation(id, answer);
        return (loop, operation, command);
    }

    private (PolledOperation Operation, ScriptedCommand Command) Operation(string id, Func<int, CancellationToken, Task<PollAnswer>> answer)
    {
        var command = new ScriptedCommand(new ClusterId(Subscription, "rg", id), id, answer);
        var now = _clock.GetTimestamp();
        return (new PolledOperation(command, Subscription, id, now, now), command);
    }

    private PollLoop CreateLoop(RequestBudgets? budgets = null) =>
        new(_clock, budgets ?? new RequestBudgets(new ArmRequestBudget(), _clock, _loggers.CreateLogger("t")), new ArmRetryOptions(), () => 0.5, _loggers.CreateLogger("loop"));

    private long Seconds(double seconds) => (long)(seconds * _clock.TimestampFrequency);

    // Moves the fake clock a step at a time until the condition holds; returns how much time that took.
    private async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition, TimeSpan step, int steps)
    {
        var elapsed = TimeSpan.Zero;
        for (var i = 0; i < steps && !condition(); i++)
        {
            _clock.Advance(step);
            elapsed += step;
            await WhenAsync(condition, patience: 20);
        }

        Assert.True(condition(), $"not done after {elapsed} of fake time");
        return elapsed;
    }

    // Gives work started on other threads (a poll handed to the pool) a moment of real time; a wait for a result.
    private static async Task WhenAsync(Func<bool> condition, int patience = 2000)
    {
        for (var i = 0; i < patience && !condition(); i++)
        {
            await Task.Delay(1);
        }
    }

    // Its maximum wait's exception cannot be made: the loop's own step for it throws.
    private sealed class BrokenCommand(ClusterId cluster, string id) : IPolledCommand
    {
        public System.Diagnostics.Activity? TraceParent => null;

        public Task<PollAnswer> PollOnceAsync(int retry, CancellationToken cancellationToken) => Task.FromResult(Running(id));

        public Exception Stopped(bool maxWaitElapsed, CancellationToken cancellationToken) => throw new InvalidOperationException("broken");

        public Exception Failure(Exception fault) => new AksRunCommandException($"command {id} on {cluster.ClusterName} failed", fault) { CommandId = id };

        public void Retried()
        {
        }
    }
}
