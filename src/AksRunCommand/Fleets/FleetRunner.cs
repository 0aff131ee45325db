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
    private readonly Lock _gate = new();
    private readonly CommandDurations _durations = new(); // the run's commands are one command: their durations are alike
    private int _starting;
    private int _running;
    private int _succeeded;
    private int _failed;
    private int _begun;

    public FleetRunner(AksRunCommandClient client, IReadOnlyList<ClusterId> clusters, RunCommandContent content, FleetRunOptions options)
    {
        _client = client;
        _clusters = clusters;
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
            }
        }
    }

    // Never throws: every cluster gets exactly one outcome.
    private async Task ProduceAsync(FleetJournal? journal, ChannelWriter<FleetOutcome> outcomes, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(_options.MaxParallel);
        var running = new List<Task>();
        try
        {
            Report();
            var plans = _clusters.Select(c => ClusterPlan.Decide(c, journal?.Clusters.GetValueOrDefault(c), _options.ResendPossiblyStarted)).ToList();
            for (var i = 0; i < plans.Count; i++)
            {
                var plan = plans[i];
                if (plan.Settled is { } earlier)
                {
                    Begin();
                    Emit(outcomes, earlier);
                    continue;
                }

                try
                {
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    foreach (var left in plans.Skip(i))
                    {
                        Begin();
                        Emit(outcomes, left.NotReached("the run was cancelled"));
                    }

                    break;
                }

                Begin();
                running.Add(RunOneAsync(plan, journal, slots, outcomes, cancellationToken));
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            outcomes.Complete();
        }
    }

    private async Task RunOneAsync(ClusterPlan plan, FleetJournal? journal, SemaphoreSlim slots, ChannelWriter<FleetOutcome> outcomes, CancellationToken cancellationToken)
    {
        await Task.Yield();
        FleetOutcome outcome;
        try
        {
            outcome = await RunAsync(plan, journal, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The last resort (a telemetry listener that throws, say): still one outcome, nothing claimed that is not known.
            outcome = new FleetOutcome(plan.Cluster, plan.ResumeId is null ? FleetOutcomeKind.MayHaveStarted : FleetOutcomeKind.WaitFailed, plan.ResumeId, null, e);
        }
        finally
        {
            slots.Release();
        }

        Emit(outcomes, outcome);
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

    private void Emit(ChannelWriter<FleetOutcome> outcomes, FleetOutcome outcome)
    {
        if (outcome.IsSuccess)
        {
            Move(ref _succeeded, +1);
        }
        else
        {
            Move(ref _failed, +1);
        }

        outcomes.TryWrite(outcome);
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
            now = new FleetProgress(_clusters.Count, _clusters.Count - _begun, _starting, _running, _succeeded, _failed);
        }

        progress.Report(now);
    }

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
