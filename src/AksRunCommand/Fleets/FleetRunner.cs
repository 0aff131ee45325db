using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AksRunCommand.Diagnostics;

namespace AksRunCommand.Fleets;

/// <summary>
/// One command on many clusters: at most MaxParallel in flight, each started with one run request (paced by the
/// client's write budget, polled by the client's one scheduler), every failure an outcome, the journal written
/// before each step so a rerun never sends a run request twice.
/// </summary>
internal sealed class FleetRunner
{
    private readonly AksRunCommandClient _client;
    private readonly RunCommandContent _content;
    private readonly FleetRunOptions _options;
    private readonly IReadOnlyList<ClusterId> _clusters;
    private readonly Lock _gate = new();
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
        try
        {
            using var journal = _options.JournalPath is { } path ? FleetJournal.Open(path, _content) : null;
            var outcomes = Channel.CreateUnbounded<FleetOutcome>();
            var producer = ProduceAsync(journal, outcomes.Writer, cancellationToken); // its clusters' spans are children of this one
            await foreach (var outcome in outcomes.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return outcome;
            }

            await producer.ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                span?.SetTag(Telemetry.FleetSucceeded, _succeeded);
                span?.SetTag(Telemetry.FleetFailed, _failed);
            }
        }
    }

    private async Task ProduceAsync(FleetJournal? journal, ChannelWriter<FleetOutcome> outcomes, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(_options.MaxParallel);
        var running = new List<Task>();
        try
        {
            Report();
            for (var i = 0; i < _clusters.Count; i++)
            {
                var cluster = _clusters[i];
                var known = journal?.States.GetValueOrDefault(cluster);
                if (FromJournal(cluster, known) is { } earlier)
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
                    foreach (var left in _clusters.Skip(i))
                    {
                        Begin();
                        Emit(outcomes, new FleetOutcome(left, FleetOutcomeKind.NotStarted, null, null, null, errorLine: "the run was cancelled before this cluster's turn; nothing was sent"));
                    }

                    break;
                }

                Begin();
                running.Add(RunOneAsync(cluster, known?.CommandId, journal, slots, outcomes, cancellationToken));
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            outcomes.Complete();
        }
    }

    // What an earlier run of the same journal settled: nothing is sent for these clusters again.
    private FleetOutcome? FromJournal(ClusterId cluster, FleetJournalState? known)
    {
        if (known is null)
        {
            return null;
        }

        if (known.Finished is { } finished)
        {
            var kind = Enum.TryParse<FleetOutcomeKind>(finished.Kind, out var parsed) ? parsed : FleetOutcomeKind.WaitFailed;
            return new FleetOutcome(cluster, kind, finished.CommandId, null, null, fromJournal: true, finished.State, finished.ExitCode, finished.Error);
        }

        if (known.Refusal is { } refusal)
        {
            return new FleetOutcome(cluster, FleetOutcomeKind.Refused, null, null, null, fromJournal: true, errorLine: refusal);
        }

        if (known.CommandId is null && known.Attempted && !_options.ResendPossiblyStarted)
        {
            return new FleetOutcome(cluster, FleetOutcomeKind.MayHaveStarted, null, null, null, fromJournal: true,
                errorLine: "an earlier run sent the run request but recorded no answer: the command may have started; it was not sent again (FleetRunOptions.ResendPossiblyStarted, aks-run fleet --resend-possibly-started, sends it)");
        }

        return null; // attempted with an id: wait again; never attempted: start it
    }

    private async Task RunOneAsync(ClusterId cluster, string? commandId, FleetJournal? journal, SemaphoreSlim slots, ChannelWriter<FleetOutcome> outcomes, CancellationToken cancellationToken)
    {
        await Task.Yield();
        FleetOutcome outcome;
        try
        {
            outcome = await RunAsync(cluster, commandId, journal, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }

        Emit(outcomes, outcome);
    }

    // One run span per cluster, whether it is started now or waited for again from the journal.
    private async Task<FleetOutcome> RunAsync(ClusterId cluster, string? commandId, FleetJournal? journal, CancellationToken cancellationToken)
    {
        using var span = _client.StartRunSpan(cluster, _content);
        var run = new RunTrace(span);
        var outcome = await RunInSpanAsync(cluster, commandId, journal, run, cancellationToken).ConfigureAwait(false);
        run.End(outcome);
        return outcome;
    }

    private async Task<FleetOutcome> RunInSpanAsync(ClusterId cluster, string? commandId, FleetJournal? journal, RunTrace run, CancellationToken cancellationToken)
    {
        RunCommandOperation operation;
        if (commandId is null)
        {
            Move(ref _starting, +1);
            try
            {
                if (journal is not null)
                {
                    await journal.IntentAsync(cluster).ConfigureAwait(false); // on disk before the request goes out
                }

                (operation, var started) = await _client.StartOperationAsync(cluster, _content, cancellationToken).ConfigureAwait(false);
                run.Started(operation, started);
                if (journal is not null)
                {
                    await journal.AcceptedAsync(cluster, operation.Id).ConfigureAwait(false); // on disk before the wait
                }
            }
            catch (ArmRequestFailedException e) when (e.CommandMayHaveStarted)
            {
                return await EndAsync(journal, new FleetOutcome(cluster, FleetOutcomeKind.MayHaveStarted, null, null, e), record: false).ConfigureAwait(false);
            }
            catch (AksRunCommandException e) when (e.CommandId is { } id)
            {
                return await EndAsync(journal, new FleetOutcome(cluster, FleetOutcomeKind.WaitFailed, id, null, e), record: false).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ArmRequestFailedException or ArgumentException)
            {
                if (journal is not null)
                {
                    await journal.RefusedAsync(cluster, OneLine(e)).ConfigureAwait(false);
                }

                return await EndAsync(journal, new FleetOutcome(cluster, FleetOutcomeKind.Refused, null, null, e), record: false).ConfigureAwait(false);
            }
            catch (RunCommandStartCanceledException e)
            {
                if (!e.CommandMayHaveStarted && journal is not null)
                {
                    await journal.NotSentAsync(cluster).ConfigureAwait(false);
                }

                return await EndAsync(journal, new FleetOutcome(cluster, e.CommandMayHaveStarted ? FleetOutcomeKind.MayHaveStarted : FleetOutcomeKind.NotStarted, null, null, e), record: false).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A credential that cannot give a token, say: nothing was accepted, and a rerun may start it.
                if (journal is not null)
                {
                    await journal.NotSentAsync(cluster).ConfigureAwait(false);
                }

                return await EndAsync(journal, new FleetOutcome(cluster, FleetOutcomeKind.NotStarted, null, null, e), record: false).ConfigureAwait(false);
            }
            finally
            {
                Move(ref _starting, -1);
            }
        }
        else
        {
            operation = _client.GetRunCommandOperation(cluster, commandId);
            run.Started(operation, null);
        }

        Move(ref _running, +1);
        try
        {
            var result = await operation.WaitAsync(new RunCommandWaitOptions { MaxWait = _options.MaxWait }, run.Span, cancellationToken).ConfigureAwait(false);
            var kind = result.IsSuccess ? FleetOutcomeKind.Succeeded : result.HasRun ? FleetOutcomeKind.NonZeroExit : FleetOutcomeKind.ProvisioningFailed;
            var error = kind == FleetOutcomeKind.Succeeded ? null : new CommandFailedException(result);
            return await EndAsync(journal, new FleetOutcome(cluster, kind, operation.Id, result, error), record: true).ConfigureAwait(false);
        }
        catch (RunCommandWaitCanceledException e)
        {
            return await EndAsync(journal, new FleetOutcome(cluster, FleetOutcomeKind.WaitStopped, operation.Id, null, e), record: false).ConfigureAwait(false);
        }
        catch (AksRunCommandException e)
        {
            return await EndAsync(journal, new FleetOutcome(cluster, FleetOutcomeKind.WaitFailed, operation.Id, null, e), record: false).ConfigureAwait(false);
        }
        finally
        {
            Move(ref _running, -1);
        }
    }

    // A finished command is recorded, so a rerun reports it instead of polling an id that may have expired.
    private static async Task<FleetOutcome> EndAsync(FleetJournal? journal, FleetOutcome outcome, bool record)
    {
        if (record && journal is not null)
        {
            await journal.FinishedAsync(outcome).ConfigureAwait(false);
        }

        return outcome;
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

    private static string OneLine(Exception e) => string.Join(' ', e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    // What a cluster's run span records: the command id once accepted, polls and retries, the outcome.
    private sealed class RunTrace(Activity? span)
    {
        private RunCommandOperation? _operation;
        private int _startRetries;

        public Activity? Span { get; } = span;

        public void Started(RunCommandOperation operation, Operations.StartOutcome? started)
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
