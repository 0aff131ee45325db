using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AksRunCommand.Diagnostics;
using AksRunCommand.Operations;
using AksRunCommand.Polling;

namespace AksRunCommand.Fleets;

/// <summary>
/// One command on many clusters: at most MaxParallel in flight, each started with numbered run requests (paced by the
/// client's write budget; a throttled one waits as long as the run lasts), polled by the client's one loop, every
/// failure an outcome. With a journal, each request's intent is on disk before it goes out and its answer after, so
/// no rerun sends a command twice; every way out (the end, cancellation, a consumer that stops enumerating) gives
/// each cluster one outcome, with every id known, and writes the lines the journal owes.
/// </summary>
internal sealed class FleetRunner
{
    private readonly AksRunCommandClient _client;
    private readonly RunCommandContent _content;
    private readonly FleetRunOptions _options;
    private readonly IReadOnlyList<ClusterId> _clusters;
    private readonly IReadOnlyDictionary<ClusterId, ManagedClusterInfo>? _info;
    private readonly Lock _gate = new();
    private readonly CommandDurations _durations = new(); // the run's commands are one command: their durations are alike
    private int _starting;
    private int _running;
    private int _succeeded;
    private int _failed;
    private int _skipped;
    private int _begun;
    private int _failures; // this run's failures, for the canary and the failure budget
    private string? _stopReason;

    public FleetRunner(AksRunCommandClient client, IReadOnlyList<ClusterId> clusters, IReadOnlyDictionary<ClusterId, ManagedClusterInfo>? info, RunCommandContent content, FleetRunOptions options)
    {
        _client = client;
        _clusters = clusters;
        _info = info;
        _content = content;
        _options = options;
    }

    /// <remarks>One span over the fleet (<see cref="Telemetry.FleetSpan"/>), one run span per cluster under it.</remarks>
    public async IAsyncEnumerable<FleetOutcome> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var span = Telemetry.Source.StartActivity(Telemetry.FleetSpan, ActivityKind.Internal);
        span?.SetTag(Telemetry.AzNamespace, Telemetry.Namespace);
        span?.SetTag(Telemetry.ApiVersion, _client.ApiVersion);
        span?.SetTag(Telemetry.FleetClusters, _clusters.Count);
        span?.SetTag(Telemetry.FleetMaxParallel, _options.MaxParallel);

        // Held exclusively from here on; refused (another run holds it, another command wrote it) before any request.
        using var journal = _options.JournalPath is { } path ? FleetJournal.Open(path, _content) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outcomes = Channel.CreateUnbounded<FleetOutcome>(new UnboundedChannelOptions { SingleReader = true });
        var producer = ProduceAsync(journal, outcomes.Writer, stop.Token); // its clusters' spans are children of this one
        try
        {
            await foreach (var outcome in outcomes.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return outcome;
            }
        }
        finally
        {
            // The end, or a consumer that stopped enumerating (break, an exception): nothing new starts, every cluster
            // in flight ends with its outcome, and the journal gets its lines before it is closed.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
            lock (_gate)
            {
                span?.SetTag(Telemetry.FleetSucceeded, _succeeded);
                span?.SetTag(Telemetry.FleetFailed, _failed);
                span?.SetTag(Telemetry.FleetSkipped, _skipped);
                span?.SetTag(Telemetry.FleetStopReason, _stopReason);
            }
        }
    }

    /// <summary>What the run would do, decided as a run decides it (journal read without holding it, preflight reads), with no run request.</summary>
    public async Task<FleetPlan> PlanAsync(CancellationToken cancellationToken)
    {
        var histories = _options.JournalPath is { } path && File.Exists(path) ? FleetJournal.ReadOnly(path, _content) : null;
        var rollout = await FleetRollout.DecideAsync(_client, Plans(histories), _info, _options, cancellationToken).ConfigureAwait(false);
        return rollout.ToPlan();
    }

    private List<ClusterPlan> Plans(IReadOnlyDictionary<ClusterId, ClusterHistory>? histories) =>
        [.. _clusters.Select(c => ClusterPlan.Decide(c, histories?.GetValueOrDefault(c), _options.ResendPossiblyStarted))];

    // Never throws: every cluster gets exactly one outcome. The rollout is followed in order: what earlier runs settled,
    // the preflight's skips, the commands an earlier run started (waited for whatever the rollout decides), then the
    // waves, each after the one before finished and the pause passed; once the rollout stops, nothing new starts.
    private async Task ProduceAsync(FleetJournal? journal, ChannelWriter<FleetOutcome> outcomes, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(_options.MaxParallel);
        var resumed = new List<Task>();
        try
        {
            Report();
            var plans = Plans(journal?.Clusters);
            FleetRollout rollout;
            try
            {
                rollout = await FleetRollout.DecideAsync(_client, plans, _info, _options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                foreach (var plan in plans)
                {
                    Begin();
                    Emit(outcomes, plan.NotReached("the run was cancelled"), counts: false);
                }

                return;
            }

            foreach (var settled in rollout.Settled)
            {
                Begin();
                Emit(outcomes, settled.Settled!, counts: false);
            }

            foreach (var (plan, reason) in rollout.Skipped)
            {
                Begin();
                Emit(outcomes, plan.Skip(reason), counts: true);
            }

            var run = new Starts(journal, slots, outcomes, cancellationToken);
            await StartEachAsync(rollout.Resumed, wave: null, run, resumed).ConfigureAwait(false);
            for (var w = 0; w < rollout.Waves.Count; w++)
            {
                var wave = rollout.Waves[w];
                if (StopReason is null && w > 0 && _options.WavePause > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(_options.WavePause, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // reported below, as the wave's clusters not reached
                    }
                }

                if (StopReason is null && !cancellationToken.IsCancellationRequested)
                {
                    RunCommandLog.WaveStarting(_client.Logger, wave.Number, wave.Clusters.Count);
                    await RecordAsync(journal, j => j.WaveAsync(wave.Number, wave.Clusters.Select(p => p.Cluster))).ConfigureAwait(false);
                }

                var started = new List<Task>();
                await StartEachAsync(wave.Clusters, wave.Number, run, started).ConfigureAwait(false);
                await Task.WhenAll(started).ConfigureAwait(false);
            }

            await Task.WhenAll(resumed).ConfigureAwait(false);
            if (StopReason is { } stop)
            {
                RunCommandLog.RolloutStopped(_client.Logger, stop);
                await RecordAsync(journal, j => j.StoppedAsync(stop)).ConfigureAwait(false);
            }
        }
        finally
        {
            outcomes.Complete();
        }
    }

    // Starts each cluster as a slot frees up. Once the run is cancelled, or (in a wave) the rollout stopped, the rest are
    // reported not reached, with the stop's reason; commands already started are left to finish.
    private async Task StartEachAsync(IReadOnlyList<ClusterPlan> clusters, int? wave, Starts run, List<Task> started)
    {
        for (var i = 0; i < clusters.Count; i++)
        {
            var why = Halted(wave, run);
            if (why is null)
            {
                try
                {
                    await run.Slots.WaitAsync(run.Cancellation).ConfigureAwait(false);
                    why = Halted(wave, run);
                    if (why is not null)
                    {
                        run.Slots.Release();
                    }
                }
                catch (OperationCanceledException)
                {
                    why = Halted(wave, run) ?? "the run was cancelled";
                }
            }

            if (why is not null)
            {
                var stop = wave is null ? null : StopReason;
                foreach (var left in clusters.Skip(i))
                {
                    Begin();
                    Emit(run.Outcomes, left.NotReached(why, wave, stop), counts: false);
                }

                return;
            }

            Begin();
            started.Add(RunOneAsync(clusters[i], wave, run));
        }
    }

    // Why nothing more starts: cancelled, or (for a wave, not for commands an earlier run started) the rollout stopped.
    private string? Halted(int? wave, Starts run) => wave is not null && StopReason is { } stop ? $"the rollout stopped ({stop})"
        : run.Cancellation.IsCancellationRequested ? "the run was cancelled"
        : null;

    private async Task RecordAsync(FleetJournal? journal, Func<FleetJournal, Task> write)
    {
        if (journal is null)
        {
            return;
        }

        try
        {
            await write(journal).ConfigureAwait(false); // the rollout's record for people; a rerun decides from the clusters' lines
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RunCommandLog.JournalWriteFailed(_client.Logger, "(rollout record)", e.GetType().Name);
        }
    }

    private async Task RunOneAsync(ClusterPlan plan, int? wave, Starts run)
    {
        await Task.Yield();
        FleetOutcome outcome;
        try
        {
            outcome = await RunAsync(plan, run.Journal, run.Cancellation).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The last resort (a telemetry listener that throws, say): still one outcome, nothing claimed that is not known.
            outcome = new FleetOutcome(plan.Cluster, plan.ResumeId is null ? FleetOutcomeKind.MayHaveStarted : FleetOutcomeKind.WaitFailed, plan.ResumeId, null, e);
        }

        try
        {
            // Counted before the slot is free, so that the next start sees a stop this outcome causes.
            Emit(run.Outcomes, wave is { } number ? outcome.InWave(number) : outcome, counts: true);
        }
        finally
        {
            run.Slots.Release();
        }
    }

    // One run span per cluster, whether it is started now or waited for again from the journal.
    private async Task<FleetOutcome> RunAsync(ClusterPlan plan, FleetJournal? journal, CancellationToken cancellationToken)
    {
        using var span = _client.StartRunSpan(plan.Cluster, _content);
        var run = new RunTrace(span);
        var outcome = await RunInSpanAsync(plan, journal, run, cancellationToken).ConfigureAwait(false);
        if (outcome.Result is not null && journal is not null)
        {
            try
            {
                await journal.FinishedAsync(outcome).ConfigureAwait(false); // a rerun reports it instead of polling an id that may have expired
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                RunCommandLog.JournalWriteFailed(_client.Logger, outcome.CommandId ?? "(no id)", e.GetType().Name); // the outcome stands; a rerun polls the id again
            }
        }

        run.End(outcome);
        return outcome;
    }

    private async Task<FleetOutcome> RunInSpanAsync(ClusterPlan plan, FleetJournal? journal, RunTrace run, CancellationToken cancellationToken)
    {
        var cluster = plan.Cluster;
        var turn = _client.TimeProvider.GetTimestamp();
        RunCommandOperation operation;
        if (plan.ResumeId is { } resumed)
        {
            operation = _client.ResumeOperation(cluster, resumed, _durations);
            run.Started(operation, null);
        }
        else
        {
            Move(ref _starting, +1);
            try
            {
                long? sendBy = _options.MaxWait is { } limit ? turn + (long)(limit.TotalSeconds * _client.TimeProvider.TimestampFrequency) : null;
                var policy = new RunRequestPolicy(journal?.For(cluster), UntilAccepted: true, sendBy);
                (operation, var started) = await _client.StartOperationAsync(cluster, _content, policy, cancellationToken, _durations).ConfigureAwait(false);
                run.Started(operation, started);
            }
            catch (RunCommandStartCanceledException e)
            {
                var why = cancellationToken.IsCancellationRequested ? "the run was cancelled" : $"the maximum wait ({_options.MaxWait!.Value.TotalSeconds:0.###} s) elapsed";
                return e.CommandMayHaveStarted || plan.EarlierUnanswered
                    ? new FleetOutcome(cluster, FleetOutcomeKind.MayHaveStarted, null, null, e, errorLine: $"{why} while the run request was on the network: the command may have started; it was not sent again")
                    : new FleetOutcome(cluster, FleetOutcomeKind.NotStarted, null, null, e, errorLine: $"{why} before the run request could be sent (it waited for the write budget); nothing was sent");
            }
            catch (ArmRequestFailedException e) when (e.CommandMayHaveStarted)
            {
                var accepted = e.Status is >= 200 and < 300;
                return new FleetOutcome(cluster, accepted ? FleetOutcomeKind.AcceptedWithoutId : FleetOutcomeKind.MayHaveStarted, null, null, e);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Refused, or nothing was sent (bad input, a credential that cannot give a token): a rerun may start it.
                var kind = e is ArmRequestFailedException ? FleetOutcomeKind.Refused : FleetOutcomeKind.NotStarted;
                return plan.EarlierUnanswered
                    ? new FleetOutcome(cluster, FleetOutcomeKind.MayHaveStarted, null, null, e, errorLine: $"an earlier run's request got no answer, so the command may have started; this run's ended {kind}: {new FleetOutcome(cluster, kind, null, null, e).ErrorLine}")
                    : new FleetOutcome(cluster, kind, null, null, e);
            }
            finally
            {
                Move(ref _starting, -1);
            }
        }

        Move(ref _running, +1);
        try
        {
            var left = _options.MaxWait is { } limit ? limit - _client.TimeProvider.GetElapsedTime(turn) : (TimeSpan?)null;
            var wait = new RunCommandWaitOptions { MaxWait = left is { } l ? (l > TimeSpan.Zero ? l : TimeSpan.FromMilliseconds(1)) : null };
            var result = await operation.WaitAsync(wait, run.Span, cancellationToken).ConfigureAwait(false);
            var kind = result.IsSuccess ? FleetOutcomeKind.Succeeded : result.HasRun ? FleetOutcomeKind.NonZeroExit : FleetOutcomeKind.ProvisioningFailed;
            return new FleetOutcome(cluster, kind, operation.Id, result, kind == FleetOutcomeKind.Succeeded ? null : new CommandFailedException(result));
        }
        catch (RunCommandWaitCanceledException e)
        {
            return new FleetOutcome(cluster, FleetOutcomeKind.WaitStopped, operation.Id, null, e);
        }
        catch (Exception e)
        {
            return new FleetOutcome(cluster, FleetOutcomeKind.WaitFailed, operation.Id, null, e);
        }
        finally
        {
            Move(ref _running, -1);
        }
    }

    // Counts the outcome and, when it is this run's failure, decides whether the rollout stops: the canary failed, or the
    // failures passed the budget. One place changes the stop, under the one lock.
    private void Emit(ChannelWriter<FleetOutcome> outcomes, FleetOutcome outcome, bool counts)
    {
        lock (_gate)
        {
            if (outcome.IsSuccess)
            {
                _succeeded++;
            }
            else if (outcome.Kind == FleetOutcomeKind.Skipped)
            {
                _skipped++;
            }
            else
            {
                _failed++;
            }

            if (counts && outcome.IsFailure(_options.SkippedIsFailure))
            {
                _failures++;
                if (_stopReason is null && outcome.Wave == 0)
                {
                    _stopReason = $"the canary failed: {outcome.Cluster.ClusterName} ended {outcome.Kind}";
                }
                else if (_stopReason is null && _options.FailureBudget is { } budget && _failures > budget.AllowedOf(_clusters.Count))
                {
                    var allowed = budget.AllowedOf(_clusters.Count);
                    _stopReason = budget.Count is not null
                        ? $"the failure budget was exceeded: {_failures} cluster(s) failed, {allowed} allowed"
                        : $"the failure budget was exceeded: {_failures} cluster(s) failed, {allowed} allowed ({budget} of {_clusters.Count})";
                }
            }
        }

        Report();
        outcomes.TryWrite(outcome);
    }

    private string? StopReason
    {
        get
        {
            lock (_gate)
            {
                return _stopReason;
            }
        }
    }

    private void Begin()
    {
        lock (_gate)
        {
            _begun++;
        }
    }

    private void Move(ref int counter, int by)
    {
        lock (_gate)
        {
            counter += by;
        }

        Report();
    }

    private void Report()
    {
        if (_options.Progress is not { } progress)
        {
            return;
        }

        FleetProgress now;
        lock (_gate)
        {
            now = new FleetProgress(_clusters.Count, _clusters.Count - _begun, _starting, _running, _succeeded, _failed, _skipped);
        }

        progress.Report(now);
    }

    // What every start of one run shares.
    private sealed record Starts(FleetJournal? Journal, SemaphoreSlim Slots, ChannelWriter<FleetOutcome> Outcomes, CancellationToken Cancellation);

    // What a cluster's run span records: the command id once accepted, polls and retries, the outcome.
    private sealed class RunTrace(Activity? span)
    {
        private RunCommandOperation? _operation;
        private int _startRetries;

        public Activity? Span { get; } = span;

        public void Started(RunCommandOperation operation, StartOutcome? started)
        {
            _operation = operation;
            _startRetries = started?.Retries ?? 0;
            Span?.SetTag(Telemetry.CommandId, operation.Id);
            if (started is not null)
            {
                Span?.SetTag(Telemetry.ClusterToken, started.ClusterTokenSent);
            }
        }

        public void End(FleetOutcome outcome)
        {
            if (Span is null)
            {
                return;
            }

            Span.SetTag("aks.runcommand.fleet.outcome", outcome.Kind.ToString());
            Span.SetTag(Telemetry.PollCount, _operation?.PollCount ?? 0);
            Span.SetTag(Telemetry.RetryCount, _startRetries + (_operation?.Retries ?? 0));
            if (outcome.Result is { } result)
            {
                Telemetry.Finished(Span, result);
            }
            else if (outcome.Error is { } error)
            {
                Telemetry.Fail(Span, error);
            }
        }
    }
}
