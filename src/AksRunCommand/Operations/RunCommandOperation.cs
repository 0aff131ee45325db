using System.Diagnostics;
using AksRunCommand.Diagnostics;
using AksRunCommand.Operations;
using AksRunCommand.Polling;
using Microsoft.Extensions.Logging;

namespace AksRunCommand;

/// <summary>
/// A command started on a cluster: poll it, wait for it, or resume it from <see cref="Id"/> in another
/// process with <see cref="AksRunCommandClient.GetRunCommandOperation"/>. The client's one poll loop polls it
/// while somebody waits; concurrent waiters share its polls.
/// </summary>
public class RunCommandOperation : IPolledCommand
{
    private readonly CommandPoller? _poller;
    private readonly PollLoop? _loop;
    private readonly PolledOperation? _polled;
    private readonly PollingStrategy _polling = PollingStrategy.Default;
    private readonly TimeProvider _timeProvider = TimeProvider.System;
    private readonly ILogger? _logger;
    private readonly long _startTimestamp;
    private readonly Lock _gate = new();
    private readonly List<IProgress<RunCommandProgress>> _observers = [];
    private readonly bool _acceptedHere; // the service accepted it from this client just now: its duration is known
    private readonly string? _apiVersion;
    private readonly CommandDurations? _cohort; // its fleet run's finished durations (null for a command of its own)
    private readonly Func<bool>? _requestsAreScarce; // true once the service throttled the subscription
    private TimeSpan _lastSeenRunning;
    private int _pollCount;
    private int _retries;
    private volatile Activity? _traceParent; // the span of the wait that asked for the loop's polls
    private volatile CommandResult? _value;
    private volatile string _state = ProvisioningStates.Running;

    /// <summary>For mocking.</summary>
    protected RunCommandOperation()
    {
        Id = string.Empty;
    }

    internal RunCommandOperation(CommandPoller poller, PollLoop loop, ClusterId cluster, string commandId, TimeSpan firstPollAfter, AksRunCommandClientOptions options, ILogger logger, CommandResult? completed = null, bool acceptedHere = false, CommandDurations? cohort = null, Func<bool>? requestsAreScarce = null)
    {
        _cohort = cohort;
        _requestsAreScarce = requestsAreScarce;
        _acceptedHere = acceptedHere;
        _apiVersion = options.ApiVersion;
        _poller = poller;
        _loop = loop;
        Cluster = cluster;
        Id = commandId;
        _polling = options.Polling;
        _timeProvider = options.TimeProvider;
        _logger = logger;
        _startTimestamp = _timeProvider.GetTimestamp();
        _value = completed;
        _polled = new PolledOperation(this, cluster.SubscriptionId, commandId, _startTimestamp, _startTimestamp + ToTimestampTicks(firstPollAfter));
    }

    /// <summary>The command id; resume with it.</summary>
    public virtual string Id { get; }

    /// <summary>The cluster the command runs on.</summary>
    public virtual ClusterId Cluster { get; }

    /// <summary>True once a poll found the command finished.</summary>
    public virtual bool HasCompleted => _value is not null;

    /// <summary>True when <see cref="Value"/> is available.</summary>
    public virtual bool HasValue => _value is not null;

    /// <summary>The last provisioning state seen.</summary>
    public virtual string State => _value?.ProvisioningState ?? _state;

    /// <summary>The result of the finished command.</summary>
    /// <exception cref="InvalidOperationException">The command has not finished (or no poll has seen it finish).</exception>
    public virtual CommandResult Value => _value
        ?? throw new InvalidOperationException($"Command {Id} has not completed yet: await WaitForCompletionAsync or call UpdateStatusAsync until HasCompleted.");

    private TimeSpan Elapsed => _timeProvider.GetElapsedTime(_startTimestamp);

    /// <summary>Polls sent so far (each counted once, whatever its retries).</summary>
    internal int PollCount => Volatile.Read(ref _pollCount);

    /// <summary>Requests of its polls sent again after a transient fault.</summary>
    internal int Retries => Volatile.Read(ref _retries);

    /// <summary>Polls once (retrying faults) and returns what the poll saw.</summary>
    /// <exception cref="AksRunCommandException">The poll failed; the exception carries the command id.</exception>
    /// <exception cref="RunCommandWaitCanceledException">The caller cancelled; the command keeps running.</exception>
    public virtual async Task<RunCommandProgress> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        if (_value is { } done)
        {
            return new RunCommandProgress(Id, done.ProvisioningState, Elapsed, PollCount, true, TimeSpan.Zero);
        }

        if (_loop is null || _polled is null)
        {
            throw new InvalidOperationException("This operation was made for mocking and cannot poll.");
        }

        // The loop's next poll of this command, brought forward to now, inside the read budget; shared with any waiter.
        return (RunCommandProgress)await _loop.WaitAsync(_polled, PollWaiterKind.NextAnswer, deadline: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the command finishes, polling on the client's schedule; no hidden time limit.</summary>
    /// <exception cref="RunCommandWaitCanceledException">The caller cancelled; the command keeps running.</exception>
    /// <exception cref="AksRunCommandException">A poll failed (for example 404: unknown or expired id); the exception carries the command id.</exception>
    public virtual Task<CommandResult> WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
        WaitForCompletionAsync(options: null, cancellationToken);

    /// <summary>Waits until the command finishes, with a maximum wait and a progress observer.</summary>
    /// <exception cref="RunCommandWaitCanceledException">The wait elapsed or the caller cancelled; the command keeps running.</exception>
    /// <exception cref="AksRunCommandException">A poll failed; the exception carries the command id.</exception>
    /// <remarks>Traced as a span of its own (<c>RunCommandOperation.WaitForCompletion</c>) with the polls under it.</remarks>
    public virtual async Task<CommandResult> WaitForCompletionAsync(RunCommandWaitOptions? options, CancellationToken cancellationToken = default)
    {
        if (_value is { } done)
        {
            return done;
        }

        using var span = Telemetry.Start(Telemetry.WaitSpan, Cluster, Id);
        span?.SetTag(Telemetry.ApiVersion, _apiVersion);
        var pollsBefore = PollCount;
        var retriesBefore = Retries;
        try
        {
            var result = await WaitAsync(options, span, cancellationToken).ConfigureAwait(false);
            Telemetry.Finished(span, result);
            return result;
        }
        catch (Exception e)
        {
            Telemetry.Fail(span, e);
            throw;
        }
        finally
        {
            span?.SetTag(Telemetry.PollCount, PollCount - pollsBefore);
            span?.SetTag(Telemetry.RetryCount, Retries - retriesBefore);
        }
    }

    /// <summary>The wait, its loop polls traced under <paramref name="span"/> (the caller's run or wait span; when nobody listens to ours, the caller's current span).</summary>
    internal async Task<CommandResult> WaitAsync(RunCommandWaitOptions? options, Activity? span, CancellationToken cancellationToken)
    {
        if (_value is { } done)
        {
            return done;
        }

        if (_loop is null || _polled is null)
        {
            throw new InvalidOperationException("This operation was made for mocking and cannot poll.");
        }

        _traceParent = span ?? Activity.Current; // without our spans, the caller's (so Kiota's spans still nest under it)

        long? deadline = options?.MaxWait is { } limit ? _timeProvider.GetTimestamp() + ToTimestampTicks(limit) : null;
        var progress = options?.Progress;
        if (progress is not null)
        {
            lock (_gate)
            {
                _observers.Add(progress);
            }
        }

        try
        {
            return (CommandResult)await _loop.WaitAsync(_polled, PollWaiterKind.UntilDone, deadline, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (progress is not null)
            {
                lock (_gate)
                {
                    _observers.Remove(progress);
                }
            }
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)Math.Min(span.TotalSeconds * _timeProvider.TimestampFrequency, long.MaxValue / 4);

    Activity? IPolledCommand.TraceParent => _traceParent is { IsStopped: false } parent ? parent : null;

    void IPolledCommand.Retried() => Interlocked.Increment(ref _retries);

    Exception IPolledCommand.Stopped(bool maxWaitElapsed, CancellationToken cancellationToken) => Canceled(maxWaitElapsed, cancellationToken);

    Exception IPolledCommand.Failure(Exception fault) => Failure(fault);

    // One poll request for the loop: sent, read, observed, logged; the loop decides what comes next.
    async Task<PollAnswer> IPolledCommand.PollOnceAsync(int retry, CancellationToken cancellationToken)
    {
        // A poll belongs to the wait that asked for it (a root span when that wait's span already ended); set here, in
        // the poll's own flow, never inherited from whoever happened to wake the loop.
        Activity.Current = _traceParent is { IsStopped: false } parent ? parent : null;
        var answer = await _poller!.PollOnceAsync(retry, cancellationToken).ConfigureAwait(false);
        var count = retry == 0 && answer.Kind != PollAnswerKind.Transient ? Interlocked.Increment(ref _pollCount) : Volatile.Read(ref _pollCount);
        var elapsed = Elapsed;
        switch (answer.Kind)
        {
            case PollAnswerKind.Finished:
            {
                var result = answer.Result!;
                _value = result;
                _cohort?.Record(DurationOf(result, elapsed));
                var progress = new RunCommandProgress(Id, result.ProvisioningState, elapsed, count, true, TimeSpan.Zero);
                RunCommandLog.Completed(_logger!, Id, result.ProvisioningState, result.ExitCode, elapsed, count);
                Telemetry.Completed(result, count, _acceptedHere ? elapsed : null);
                Report(progress);
                return answer with { Progress = progress };
            }

            case PollAnswerKind.Running:
            {
                var state = _state = answer.State ?? _state;
                _lastSeenRunning = elapsed;
                var retryAfter = answer.Delay > TimeSpan.Zero ? answer.Delay : (TimeSpan?)null;

                // When requests are what the subscription is short of, aim where its fleet's commands finished.
                var next = _cohort is { } cohort && _requestsAreScarce?.Invoke() == true && cohort.Aim(elapsed) is { } aimed
                    ? RetryAfter.AsFloor(aimed, retryAfter)
                    : PollDelays.Next(_polling, count, elapsed, retryAfter, Cluster, Id);
                var progress = new RunCommandProgress(Id, state, elapsed, count, false, next);
                RunCommandLog.Polled(_logger!, Id, state, elapsed, count, next);
                Report(progress);
                return PollAnswer.Running(next, progress);
            }

            case PollAnswerKind.Throttled:
            {
                var progress = new RunCommandProgress(Id, _state, elapsed, count, false, answer.Delay);
                RunCommandLog.Polled(_logger!, Id, _state, elapsed, count, answer.Delay);
                Report(progress);
                return answer with { Progress = progress };
            }

            default:
                return answer; // a transient fault or a failure: the loop retries or ends the wait
        }
    }

    private RunCommandWaitCanceledException Canceled(bool maxWaitElapsed, CancellationToken cancellationToken) =>
        new RunCommandWaitCanceledException(Cluster, Id, maxWaitElapsed, cancellationToken);

    // Once the service accepted the command, every failure is the library's exception family with the command id.
    private Exception Failure(Exception fault) => fault switch
    {
        AksRunCommandException { CommandId: not null } known => known,
        RunCommandWaitCanceledException known => known,
        _ => new AksRunCommandException(
            $"Polling command {Id} on cluster '{Cluster.ClusterName}' failed ({fault.GetType().Name}: {fault.Message.TrimEnd('.')}).{ResumeHint.For(Id)}",
            fault)
        {
            CommandId = Id,
        },
    };

    // Finished between the last poll that saw it running and this one: the service's own duration where it fits there.
    private TimeSpan DurationOf(CommandResult result, TimeSpan elapsed) =>
        result.Duration is { } measured && measured >= _lastSeenRunning && measured <= elapsed ? measured
        : _lastSeenRunning > TimeSpan.Zero ? (_lastSeenRunning + elapsed) / 2 : elapsed;

    private void Report(RunCommandProgress progress)
    {
        IProgress<RunCommandProgress>[] observers;
        lock (_gate)
        {
            if (_observers.Count == 0)
            {
                return;
            }

            observers = [.. _observers];
        }

        foreach (var observer in observers)
        {
            observer.Report(progress);
        }
    }
}
