using AksRunCommand.Diagnostics;
using AksRunCommand.Operations;
using AksRunCommand.Polling;
using Microsoft.Extensions.Logging;

namespace AksRunCommand;

/// <summary>
/// A command started on a cluster: poll it, wait for it, or resume it from <see cref="Id"/> in another
/// process with <see cref="AksRunCommandClient.GetRunCommandOperation"/>. Concurrent waiters share one poll loop.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "Neither a SemaphoreSlim without a wait handle nor a CancellationTokenSource without a timer holds anything to release.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Neither a SemaphoreSlim without a wait handle nor a CancellationTokenSource without a timer holds anything to release; operations are resumable values, not resources.")]
public class RunCommandOperation
{
    private readonly CommandPoller? _poller;
    private readonly PollingStrategy _polling = PollingStrategy.Default;
    private readonly TimeProvider _timeProvider = TimeProvider.System;
    private readonly ILogger? _logger;
    private readonly long _startTimestamp;
    private readonly SemaphoreSlim _pollGate = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<IProgress<RunCommandProgress>> _observers = [];
    private TimeSpan _nextPollAt;
    private Task<CommandResult>? _loop;
    private CancellationTokenSource? _loopCancellation;
    private int _waiters;
    private int _pollCount;
    private volatile CommandResult? _value;
    private volatile string _state = ProvisioningStates.Running;

    /// <summary>For mocking.</summary>
    protected RunCommandOperation()
    {
        Id = string.Empty;
    }

    internal RunCommandOperation(CommandPoller poller, ClusterId cluster, string commandId, TimeSpan firstPollAfter, AksRunCommandClientOptions options, ILogger logger, CommandResult? completed = null)
    {
        _poller = poller;
        Cluster = cluster;
        Id = commandId;
        _polling = options.Polling;
        _timeProvider = options.TimeProvider;
        _logger = logger;
        _startTimestamp = _timeProvider.GetTimestamp();
        _nextPollAt = firstPollAfter;
        _value = completed;
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

    /// <summary>Polls once (retrying faults) and returns what the poll saw.</summary>
    public virtual Task<RunCommandProgress> UpdateStatusAsync(CancellationToken cancellationToken = default) => PollAsync(cancellationToken);

    /// <summary>Waits until the command finishes, polling on the client's schedule; no hidden time limit.</summary>
    /// <exception cref="RunCommandWaitCanceledException">The caller cancelled; the command keeps running.</exception>
    /// <exception cref="ArmRequestFailedException">A poll failed (for example 404: unknown or expired id).</exception>
    public virtual Task<CommandResult> WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
        WaitForCompletionAsync(options: null, cancellationToken);

    /// <summary>Waits until the command finishes or <paramref name="maxWait"/> elapses.</summary>
    /// <exception cref="RunCommandWaitCanceledException">The wait elapsed or the caller cancelled; the command keeps running.</exception>
    public virtual Task<CommandResult> WaitForCompletionAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) =>
        WaitForCompletionAsync(new RunCommandWaitOptions { MaxWait = maxWait }, cancellationToken);

    /// <summary>Waits until the command finishes, with a maximum wait and a progress observer.</summary>
    /// <exception cref="RunCommandWaitCanceledException">The wait elapsed or the caller cancelled; the command keeps running.</exception>
    public virtual async Task<CommandResult> WaitForCompletionAsync(RunCommandWaitOptions? options, CancellationToken cancellationToken = default)
    {
        if (_value is { } done)
        {
            return done;
        }

        using var maxWait = options?.MaxWait is { } limit ? new CancellationTokenSource(limit, _timeProvider) : null;
        using var linked = maxWait is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, maxWait.Token);
        var waitToken = linked?.Token ?? cancellationToken;
        var progress = options?.Progress;
        Task<CommandResult> loop;
        lock (_gate)
        {
            _waiters++;
            if (progress is not null)
            {
                _observers.Add(progress);
            }

            if (_loop is null)
            {
                _loopCancellation = new CancellationTokenSource();
                _loop = RunLoopAsync(_loopCancellation.Token);
            }

            loop = _loop;
        }

        try
        {
            return await loop.WaitAsync(waitToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (waitToken.IsCancellationRequested)
        {
            throw new RunCommandWaitCanceledException(Cluster, Id, maxWaitElapsed: !cancellationToken.IsCancellationRequested, cancellationToken);
        }
        finally
        {
            LeaveLoop(progress);
        }
    }

    // The last waiter to leave stops the loop: no polling goes on that nobody awaits.
    private void LeaveLoop(IProgress<RunCommandProgress>? progress)
    {
        lock (_gate)
        {
            _waiters--;
            if (progress is not null)
            {
                _observers.Remove(progress);
            }

            if (_waiters == 0 && _loop is { IsCompletedSuccessfully: false })
            {
                _loopCancellation!.Cancel();
                _loop = null;
                _loopCancellation = null;
            }
        }
    }

    private async Task<CommandResult> RunLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield(); // the loop runs apart from the waiter that started it
        while (true)
        {
            var delay = _nextPollAt - Elapsed;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            var progress = await PollAsync(cancellationToken).ConfigureAwait(false);
            if (progress.HasCompleted)
            {
                return _value!;
            }
        }
    }

    private async Task<RunCommandProgress> PollAsync(CancellationToken cancellationToken)
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

            var outcome = await _poller.PollAsync(cancellationToken).ConfigureAwait(false);
            var count = ++_pollCount;
            var elapsed = Elapsed;
            RunCommandProgress progress;
            if (outcome.Finished is { } result)
            {
                _value = result;
                progress = new RunCommandProgress(Id, result.ProvisioningState, elapsed, count, true, TimeSpan.Zero);
                RunCommandLog.Completed(_logger!, Id, result.ProvisioningState, result.ExitCode, elapsed, count);
            }
            else
            {
                _state = outcome.State;
                var next = RetryAfter.AsFloor(_polling.GetDelay(count, elapsed), outcome.RetryAfter);

                _nextPollAt = elapsed + next;
                progress = new RunCommandProgress(Id, outcome.State, elapsed, count, false, next);
                RunCommandLog.Polled(_logger!, Id, outcome.State, elapsed, count, next);
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
