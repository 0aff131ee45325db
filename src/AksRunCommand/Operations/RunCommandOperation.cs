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
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "A SemaphoreSlim without a wait handle holds nothing to release.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A SemaphoreSlim without a wait handle holds nothing to release; operations are resumable values, not resources.")]
public class RunCommandOperation
{
    private readonly CommandPoller? _poller;
    private readonly PollScheduler? _scheduler;
    private readonly ScheduledOperation? _scheduled;
    private readonly PollingStrategy _polling = PollingStrategy.Default;
    private readonly TimeProvider _timeProvider = TimeProvider.System;
    private readonly ILogger? _logger;
    private readonly long _startTimestamp;
    private readonly SemaphoreSlim _pollGate = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<IProgress<RunCommandProgress>> _observers = [];
    private readonly bool _acceptedHere; // the service accepted it from this client just now: its duration is known
    private readonly string? _apiVersion;
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

    internal RunCommandOperation(CommandPoller poller, PollScheduler scheduler, ClusterId cluster, string commandId, TimeSpan firstPollAfter, AksRunCommandClientOptions options, ILogger logger, CommandResult? completed = null, bool acceptedHere = false)
    {
        _acceptedHere = acceptedHere;
        _apiVersion = options.ApiVersion;
        _poller = poller;
        _scheduler = scheduler;
        Cluster = cluster;
        Id = commandId;
        _polling = options.Polling;
        _timeProvider = options.TimeProvider;
        _logger = logger;
        _startTimestamp = _timeProvider.GetTimestamp();
        _value = completed;
        _scheduled = new ScheduledOperation(cluster.SubscriptionId, commandId, _startTimestamp, _startTimestamp + ToTimestampTicks(firstPollAfter), ScheduledPollAsync, Canceled, Failure);
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
        try
        {
            return await PollAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw Canceled(maxWaitElapsed: false, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Failure(e);
        }
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

        if (_scheduler is null || _scheduled is null)
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
            return await _scheduler.WaitAsync(_scheduled, deadline, cancellationToken).ConfigureAwait(false);
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

    private async Task<PollStep> ScheduledPollAsync(ScheduledOperation scheduled, CancellationToken cancellationToken)
    {
        // The loop runs in the context of whoever first woke it: a poll belongs to the wait that asked for it (a root
        // span when that wait's span already ended). Local to this method's flow (an async method restores the
        // caller's context when it returns).
        Activity.Current = _traceParent is { IsStopped: false } parent ? parent : null;
        var progress = await PollAsync(cancellationToken, scheduled.SetInBackoff, firstRequestPaid: scheduled.Paid).ConfigureAwait(false);
        return progress.HasCompleted ? new PollStep(_value, null, null) : new PollStep(null, progress.NextDelay, null);
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

    private async Task<RunCommandProgress> PollAsync(CancellationToken cancellationToken, Action<bool>? backingOff = null, bool firstRequestPaid = false)
    {
        if (_poller is null)
        {
            throw new InvalidOperationException("This operation was made for mocking and cannot poll.");
        }

        await _pollGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_value is { } done)
            {
                return new RunCommandProgress(Id, done.ProvisioningState, Elapsed, _pollCount, true, TimeSpan.Zero);
            }

            var outcome = await _poller.PollAsync(cancellationToken, backingOff, firstRequestPaid).ConfigureAwait(false);
            var count = Interlocked.Increment(ref _pollCount);
            Interlocked.Add(ref _retries, outcome.Retries);
            var elapsed = Elapsed;
            RunCommandProgress progress;
            if (outcome.Finished is { } result)
            {
                _value = result;
                progress = new RunCommandProgress(Id, result.ProvisioningState, elapsed, count, true, TimeSpan.Zero);
                RunCommandLog.Completed(_logger!, Id, result.ProvisioningState, result.ExitCode, elapsed, count);
                Telemetry.Completed(result, count, _acceptedHere ? elapsed : null);
            }
            else
            {
                var state = _state = outcome.State ?? _state;
                var next = PollDelays.Next(_polling, count, elapsed, outcome.RetryAfter, Cluster, Id);
                progress = new RunCommandProgress(Id, state, elapsed, count, false, next);
                RunCommandLog.Polled(_logger!, Id, state, elapsed, count, next);
            }

            Report(progress);
            return progress;
        }
        finally
        {
            _pollGate.Release();
        }
    }

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
