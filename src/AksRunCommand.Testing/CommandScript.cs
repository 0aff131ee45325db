namespace AksRunCommand.Testing;

/// <summary>What a command does on the fake: how long it runs, how it ends, and which answers go wrong.</summary>
public sealed class CommandScript
{
    private readonly Queue<FakeFault> _startFaults = new();
    private readonly Queue<FakeFault> _pollFaults = new();
    private readonly Lock _gate = new();

    internal CommandScript()
    {
    }

    internal int ExitCode { get; private set; }

    internal string Logs { get; private set; } = string.Empty;

    internal string? FailureReason { get; private set; }

    internal int RunningPolls { get; private set; } = 1;

    internal TimeSpan? RunningTime { get; private set; }

    internal bool LowercaseStates { get; private set; }

    /// <summary>The command runs and exits with <paramref name="exitCode"/>, printing <paramref name="logs"/>.</summary>
    public CommandScript ExitsWith(int exitCode, string logs = "")
    {
        ExitCode = exitCode;
        Logs = logs ?? throw new ArgumentNullException(nameof(logs));
        FailureReason = null;
        return this;
    }

    /// <summary>The command cannot run: provisioning state <c>Failed</c> with <paramref name="reason"/> (for example <c>ImagePullBackoff</c>).</summary>
    public CommandScript Fails(string reason)
    {
        FailureReason = reason ?? throw new ArgumentNullException(nameof(reason));
        return this;
    }

    /// <summary>The command stays <c>Running</c> for this many polls (default 1).</summary>
    public CommandScript RunningFor(int polls)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(polls);
        RunningPolls = polls;
        RunningTime = null;
        return this;
    }

    /// <summary>The command stays <c>Running</c> until this much time has passed on the fake's clock.</summary>
    public CommandScript RunningFor(TimeSpan time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(time, TimeSpan.Zero);
        RunningTime = time;
        return this;
    }

    /// <summary>States come in lowercase (<c>running</c>, <c>succeeded</c>, <c>failed</c>), as in the official examples.</summary>
    public CommandScript WithLowercaseStates()
    {
        LowercaseStates = true;
        return this;
    }

    /// <summary>The next <paramref name="times"/> run requests of this command get <paramref name="fault"/>.</summary>
    public CommandScript OnStart(FakeFault fault, int times = 1) => Enqueue(_startFaults, fault, times);

    /// <summary>The next <paramref name="times"/> polls of this command get <paramref name="fault"/>.</summary>
    public CommandScript OnPoll(FakeFault fault, int times = 1) => Enqueue(_pollFaults, fault, times);

    internal FakeFault? TakeStartFault() => Take(_startFaults);

    internal FakeFault? TakePollFault() => Take(_pollFaults);

    private CommandScript Enqueue(Queue<FakeFault> queue, FakeFault fault, int times)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(fault);
            }
        }

        return this;
    }

    private FakeFault? Take(Queue<FakeFault> queue)
    {
        lock (_gate)
        {
            return queue.TryDequeue(out var fault) ? fault : null;
        }
    }
}
