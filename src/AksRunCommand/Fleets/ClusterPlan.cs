namespace AksRunCommand.Fleets;

/// <summary>
/// What a fleet run does with one cluster, decided from the journal before anything is sent: report what an
/// earlier run settled, wait again for a command it started, or send a run request.
/// </summary>
internal sealed record ClusterPlan(ClusterId Cluster, ClusterHistory? History, FleetOutcome? Settled, string? ResumeId)
{
    private const string ResendHint = "FleetRunOptions.ResendPossiblyStarted (aks-run fleet --resend-possibly-started) sends it again";

    /// <summary>True when an earlier run's request got no answer: even if this run sends none, the command may have started.</summary>
    public bool EarlierUnanswered => History?.Unanswered == true;

    public static ClusterPlan Decide(ClusterId cluster, ClusterHistory? history, bool resendPossiblyStarted)
    {
        if (history is null)
        {
            return new ClusterPlan(cluster, null, null, null);
        }

        if (history.Finished is { } finished)
        {
            var kind = Enum.TryParse<FleetOutcomeKind>(finished.Kind, out var parsed) ? parsed : FleetOutcomeKind.WaitFailed;
            return Settle(new FleetOutcome(cluster, kind, finished.CommandId, null, null, fromJournal: true, finished.State, finished.ExitCode, finished.Error));
        }

        if (history.CommandId is { } id)
        {
            return new ClusterPlan(cluster, history, null, id);
        }

        if (history.AcceptedWithoutId)
        {
            return Settle(new FleetOutcome(cluster, FleetOutcomeKind.AcceptedWithoutId, null, null, null, fromJournal: true,
                errorLine: "an earlier run's request was accepted (HTTP 2xx) without a usable command id: the command started; it is never sent again"));
        }

        if (history.Unanswered && !resendPossiblyStarted)
        {
            return Settle(new FleetOutcome(cluster, FleetOutcomeKind.MayHaveStarted, null, null, null, fromJournal: true,
                errorLine: $"an earlier run sent the run request but got no answer: the command may have started; it was not sent again ({ResendHint})"));
        }

        if (history.FinalRefusal is { } refusal)
        {
            return Settle(new FleetOutcome(cluster, FleetOutcomeKind.Refused, null, null, null, fromJournal: true, errorLine: refusal));
        }

        return new ClusterPlan(cluster, history, null, null); // never attempted, or refused in a way a rerun may change

        ClusterPlan Settle(FleetOutcome outcome) => new(cluster, history, outcome, null);
    }

    /// <summary>
    /// The outcome when the run stops before this cluster's turn (cancelled, or the rollout stopped: then
    /// <paramref name="stopReason"/> says why): what is known, with every id known.
    /// </summary>
    public FleetOutcome NotReached(string why, int? wave = null, string? stopReason = null)
    {
        if (Settled is { } settled)
        {
            return settled;
        }

        if (ResumeId is { } id)
        {
            return new FleetOutcome(Cluster, FleetOutcomeKind.WaitStopped, id, null, null, fromJournal: true,
                errorLine: $"{why} before waiting for command {id} again (from the journal); it keeps running on the cluster", wave: wave, stopReason: stopReason);
        }

        return EarlierUnanswered
            ? new FleetOutcome(Cluster, FleetOutcomeKind.MayHaveStarted, null, null, null, fromJournal: true,
                errorLine: $"{why} before the run request was sent again; an earlier one got no answer, so the command may have started", wave: wave, stopReason: stopReason)
            : new FleetOutcome(Cluster, FleetOutcomeKind.NotStarted, null, null, null, errorLine: $"{why} before this cluster's turn; nothing was sent", wave: wave, stopReason: stopReason);
    }

    /// <summary>The outcome when the preflight found the cluster unable to run a command: nothing is sent now.</summary>
    public FleetOutcome Skip(string reason) => EarlierUnanswered
        ? new FleetOutcome(Cluster, FleetOutcomeKind.MayHaveStarted, null, null, null, fromJournal: true,
            errorLine: $"skipped ({reason}); an earlier run's request got no answer, so the command may have started")
        : new FleetOutcome(Cluster, FleetOutcomeKind.Skipped, null, null, null, errorLine: $"{reason}; nothing was sent");
}
