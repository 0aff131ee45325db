using System.Diagnostics;
using AksRunCommand.Diagnostics;
using AksRunCommand.Polling;
using AksRunCommand.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace AksRunCommand.Tests.Polling;

// Ten thousand operations on one loop and a fake clock: waiters join and leave at random times, cancel, set maximum
// waits; polls answer anything (running with any delay, finished, throttled with any Retry-After, transient faults,
// failures, exceptions, slow answers), the read budget is short, and a telemetry listener throws inside some polls.
// Every waiter completes exactly once, never after its deadline (nor a cancelled one after its cancellation); a
// waiter that left is never reported as a failed poll; and the loop keeps polling everyone else to the end.
[Collection(nameof(SerialTests))] // its listener throws inside the library's spans: no other test may run beside it
public sealed class PollLoopStressTests(ITestOutputHelper output)
{
    private const int Operations = 10_000;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan JoinWindow = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TenThousandOperations_RandomWaitersAndAnswers_EveryWaiterCompletesOnceOnTimeAndTheLoopGoesOn()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("AKSRUN_STRESS_SEED"), out var given) ? given : Environment.TickCount;
        output.WriteLine($"seed {seed} (replay with AKSRUN_STRESS_SEED={seed})");
        var random = new Random(seed);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var logs = new CapturingLoggerProvider();
        var logger = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Warning)).CreateLogger("stress");
        var budgets = new RequestBudgets(new ArmRequestBudget { ReadCapacity = 100, ReadsPerSecond = 50 }, clock, logger);
        var loop = new PollLoop(clock, budgets, new ArmRetryOptions { MaxRetries = 3 }, () => random.NextDouble(), logger);
        var subscriptions = Enumerable.Range(0, 8).Select(i => new Guid(i + 1, 0, 0, [0x50, 0, 0, 0, 0, 0, 0, 9])).ToArray();
        using var listener = ThrowingListener(subscriptions[0]);

        var commands = new ScriptedCommand[Operations];
        var operations = new PolledOperation[Operations];
        var waiters = new List<Waiter>();
        var schedule = new List<(TimeSpan At, Action Act)>();
        for (var i = 0; i < Operations; i++)
        {
            var index = i;
            var cluster = new ClusterId(subscriptions[i % subscriptions.Length], "rg-stress", $"c{i}");
            var answers = new Random(seed ^ (i * 7919));
            commands[i] = new ScriptedCommand(cluster, $"id{i}", (retry, ct) => AnswerAsync(answers, clock, $"id{index}", ct));
            var now = clock.GetTimestamp();
            operations[i] = new PolledOperation(commands[i], cluster.SubscriptionId, $"id{i}", now, now + (long)(random.NextDouble() * 5 * clock.TimestampFrequency));
            for (var w = random.Next(1, 4); w > 0; w--)
            {
                var joinAt = TimeSpan.FromSeconds(random.NextDouble() * JoinWindow.TotalSeconds);
                var maxWait = random.NextDouble() < 0.5 ? TimeSpan.FromSeconds(1 + (random.NextDouble() * 120)) : (TimeSpan?)null;
                var cancelAfter = random.NextDouble() < 0.3 ? TimeSpan.FromSeconds(random.NextDouble() * 60) : (TimeSpan?)null;
                var waiter = new Waiter(i, random.NextDouble() < 0.1 ? PollWaiterKind.NextAnswer : PollWaiterKind.UntilDone, joinAt, maxWait, cancelAfter);
                waiters.Add(waiter);
                schedule.Add((joinAt, () => waiter.Join(loop, operations[waiter.Operation], clock)));
                if (cancelAfter is { } c)
                {
                    schedule.Add((joinAt + c, () => waiter.Cancel(clock)));
                }
            }
        }

        schedule.Sort((a, b) => a.At.CompareTo(b.At));
        var next = 0;
        var elapsed = TimeSpan.Zero;
        var limit = JoinWindow + TimeSpan.FromHours(2);
        while (elapsed < limit && (next < schedule.Count || waiters.Any(w => !w.Observed)))
        {
            while (next < schedule.Count && schedule[next].At <= elapsed)
            {
                schedule[next++].Act();
            }

            clock.Advance(Step);
            elapsed += Step;
            clock.Advance(TimeSpan.Zero); // what the step started at once (a poll handed to the pool through a timer due now)
            await Task.Yield();
            foreach (var waiter in waiters)
            {
                waiter.Observe(clock.GetUtcNow(), Step);
            }
        }

        // Everyone completed, exactly once (a completion source completes once; what it completed with is judged here).
        var pending = waiters.Where(w => !w.Observed).ToList();
        Assert.True(pending.Count == 0, $"seed {seed}: {pending.Count} waiters never completed, e.g. {string.Join("; ", pending.Take(5))}");
        var broken = waiters.Where(w => w.Broken is not null).ToList();
        Assert.True(broken.Count == 0, $"seed {seed}: {broken.Count} waiters broke a rule, e.g. {string.Join("; ", broken.Take(5).Select(w => w.Broken))}");

        // A waiter that left (cancelled, or its maximum wait) is never reported as a failed poll.
        var failedIds = logs.Lines.Where(l => l.Message.StartsWith("Waiting for command ", StringComparison.Ordinal)).Select(l => l.Message.Split(' ')[3]).ToHashSet();
        var idsThatFailedWaiters = waiters.Where(w => w.Outcome is AksRunCommandException).Select(w => $"id{w.Operation}").ToHashSet();
        Assert.True(failedIds.IsSubsetOf(idsThatFailedWaiters), $"seed {seed}: a failed poll was reported for an operation none of whose waiters got a failure: {string.Join(", ", failedIds.Except(idsThatFailedWaiters).Take(5))}");

        // The loop went on: every outcome happened (results, failures of both kinds, stops), polls went out to the end.
        Assert.Contains(waiters, w => w.Outcome is CommandResult);
        Assert.Contains(waiters, w => w.Outcome is RunCommandProgress);
        Assert.Contains(waiters, w => w.Outcome is AksRunCommandException { InnerException: InvalidOperationException { Message: "listener" } });
        Assert.Contains(waiters, w => w.Outcome is RunCommandWaitCanceledException { MaxWaitElapsed: true });
        Assert.Contains(waiters, w => w.Outcome is RunCommandWaitCanceledException { MaxWaitElapsed: false });
        output.WriteLine($"{waiters.Count} waiters on {Operations} operations, {commands.Sum(c => c.Polls)} polls, {commands.Sum(c => c.Retries)} retries, {elapsed} of fake time; outcomes: "
            + string.Join(", ", waiters.GroupBy(w => w.Outcome switch { RunCommandWaitCanceledException e => e.MaxWaitElapsed ? "max wait" : "cancelled", null => "none", var o => o.GetType().Name }).Select(g => $"{g.Count()} {g.Key}")));
    }

    private static async Task<PollAnswer> AnswerAsync(Random random, TimeProvider clock, string id, CancellationToken cancellationToken)
    {
        if (random.NextDouble() < 0.1)
        {
            await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * 3), clock, cancellationToken); // a slow answer
        }

        var roll = random.NextDouble();
        return roll switch
        {
            < 0.55 => PollAnswer.Running(TimeSpan.FromSeconds(1 + random.Next(5)), ScriptedCommand.Progress(id, false, TimeSpan.FromSeconds(1))),
            < 0.65 => PollAnswer.Finished(new CommandResult(id, ProvisioningStates.Succeeded, 0, null, null, "ok", null), ScriptedCommand.Progress(id, true, TimeSpan.Zero)),
            < 0.73 => PollAnswer.Throttled(TimeSpan.FromSeconds(random.NextDouble() < 0.1 ? 600 : 1 + random.Next(10)), ScriptedCommand.Progress(id, false, TimeSpan.FromSeconds(1))),
            < 0.88 => PollAnswer.Transient(new AksRunCommandException("HTTP 503") { CommandId = id }, random.NextDouble() < 0.3 ? TimeSpan.FromSeconds(2) : null, 503),
            < 0.91 => PollAnswer.Failed(new AksRunCommandException("HTTP 404: unknown id") { CommandId = id }),
            _ => throw new HttpRequestException("a fault the poller did not classify"),
        };
    }

    // Throws when a poll's span of the first subscription ends (its tags are set by then): an exception inside the poll.
    private static ActivityListener ThrowingListener(Guid subscription)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == AksRunCommandDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (a.GetTagItem(Telemetry.ClusterResourceId) is string id && id.Contains(subscription.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException("listener");
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private sealed class Waiter(int operation, PollWaiterKind kind, TimeSpan joinAt, TimeSpan? maxWait, TimeSpan? cancelAfter)
    {
        private readonly CancellationTokenSource _cancel = new();
        private Task<object>? _task;
        private DateTimeOffset _joinedAt;
        private DateTimeOffset? _cancelledAt;

        public int Operation { get; } = operation;

        public bool Observed { get; private set; }

        public object? Outcome { get; private set; }

        public string? Broken { get; private set; }

        public void Join(PollLoop loop, PolledOperation polled, TimeProvider clock)
        {
            _joinedAt = clock.GetUtcNow();
            long? deadline = maxWait is { } wait ? clock.GetTimestamp() + (long)(wait.TotalSeconds * clock.TimestampFrequency) : null;
            _task = loop.WaitAsync(polled, kind, deadline, cancelAfter is null ? CancellationToken.None : _cancel.Token);
        }

        public void Cancel(TimeProvider clock)
        {
            _cancelledAt = clock.GetUtcNow();
            _cancel.Cancel();
        }

        // Seen complete after a step: judged against what it waited for, its deadline and its cancellation.
        public void Observe(DateTimeOffset now, TimeSpan step)
        {
            if (Observed || _task is not { IsCompleted: true } task)
            {
                return;
            }

            Observed = true;
            Outcome = task.IsFaulted ? task.Exception!.InnerException : task.Result;
            var late = maxWait is { } wait && now > _joinedAt + wait + step;
            var lateCancel = _cancelledAt is { } at && now > at + step;
            Broken = Outcome switch
            {
                CommandResult when kind != PollWaiterKind.UntilDone => $"op {Operation}: a result for a NextAnswer waiter",
                RunCommandProgress when kind != PollWaiterKind.NextAnswer => $"op {Operation}: a progress for an UntilDone waiter",
                RunCommandWaitCanceledException { MaxWaitElapsed: true } when maxWait is null => $"op {Operation}: stopped by a maximum wait it never set",
                RunCommandWaitCanceledException { MaxWaitElapsed: false } when _cancelledAt is null => $"op {Operation}: cancelled though nobody cancelled it",
                Exception { InnerException: OperationCanceledException } e => $"op {Operation}: failed with the cancellation of a poll nobody waited for any more ({e.GetType().Name})",
                _ when late => $"op {Operation}: completed at {now - _joinedAt} after joining, its maximum wait was {maxWait}",
                _ when lateCancel => $"op {Operation}: completed {now - _cancelledAt} after its cancellation",
                null => $"op {Operation}: completed with nothing",
                _ => null,
            };
        }

        public override string ToString() => $"op {Operation} {kind} joined at {joinAt}, max wait {maxWait}, cancel after {cancelAfter}";
    }
}

[CollectionDefinition(nameof(SerialTests), DisableParallelization = true)]
public sealed class SerialTests;
