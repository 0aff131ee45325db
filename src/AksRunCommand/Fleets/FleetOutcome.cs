namespace AksRunCommand;

/// <summary>What happened on one cluster of a fleet run. Failures are outcomes, not exceptions; once a command started, its id is here.</summary>
public sealed class FleetOutcome
{
    internal FleetOutcome(ClusterId cluster, FleetOutcomeKind kind, string? commandId, CommandResult? result, Exception? error, bool fromJournal = false, string? provisioningState = null, int? exitCode = null, string? errorLine = null, int? wave = null, string? stopReason = null)
    {
        Wave = wave;
        StopReason = stopReason;
        Cluster = cluster;
        Kind = kind;
        CommandId = commandId;
        Result = result;
        Error = error;
        FromJournal = fromJournal;
        ProvisioningState = result?.ProvisioningState ?? provisioningState;
        ExitCode = result?.ExitCode ?? exitCode;
        ErrorLine = errorLine ?? Describe(kind, error, result);
    }

    /// <summary>The cluster.</summary>
    public ClusterId Cluster { get; }

    /// <summary>How it ended.</summary>
    public FleetOutcomeKind Kind { get; }

    /// <summary>The command id, once the service accepted the command; null before that.</summary>
    public string? CommandId { get; }

    /// <summary>The result, when the command finished in this run (a result from an earlier run's journal has no logs: null).</summary>
    public CommandResult? Result { get; }

    /// <summary>The error, when the cluster did not give a result.</summary>
    public Exception? Error { get; }

    /// <summary>The error in one line, for tables and logs; null when there was none.</summary>
    public string? ErrorLine { get; }

    /// <summary>The provisioning state, when one is known.</summary>
    public string? ProvisioningState { get; }

    /// <summary>The exit code, when the command ran.</summary>
    public int? ExitCode { get; }

    /// <summary>True when this outcome comes from the journal of an earlier run: nothing was sent for it now.</summary>
    public bool FromJournal { get; }

    /// <summary>True when the command ran and exited 0.</summary>
    public bool IsSuccess => Kind == FleetOutcomeKind.Succeeded;

    /// <summary>The wave the cluster belonged to (0 for the canary, then 1, 2, ...); null when it was in none (settled by an earlier run, or skipped).</summary>
    public int? Wave { get; }

    /// <summary>Why the rollout stopped before this cluster's turn (the canary failed, the failure budget was exceeded); null otherwise.</summary>
    public string? StopReason { get; }

    /// <summary>True unless the command ran and exited 0, or the cluster was skipped (a skip is a failure too when <paramref name="skippedIsFailure"/>, as with <see cref="FleetRunOptions.SkippedIsFailure"/>).</summary>
    /// <param name="skippedIsFailure">Count a skipped cluster as a failure.</param>
    public bool IsFailure(bool skippedIsFailure = false) => !IsSuccess && (Kind != FleetOutcomeKind.Skipped || skippedIsFailure);

    internal FleetOutcome InWave(int wave) => new(Cluster, Kind, CommandId, Result, Error, FromJournal, ProvisioningState, ExitCode, ErrorLine, wave, StopReason);

    // One short line for tables and CI logs; the whole message stays in Error.
    private static string? Describe(FleetOutcomeKind kind, Exception? error, CommandResult? result) => (kind, error) switch
    {
        (FleetOutcomeKind.ProvisioningFailed, _) => $"could not run: {result?.ProvisioningState ?? "Failed"} ({result?.Reason ?? "no reason given"})",
        (FleetOutcomeKind.NonZeroExit, _) => null,
        (FleetOutcomeKind.AcceptedWithoutId, ArmRequestFailedException e) => $"accepted (HTTP {e.Status}) without a usable command id: the command started; its result cannot be read; it is never sent again",
        (FleetOutcomeKind.MayHaveStarted, ArmRequestFailedException e) => $"no definitive answer ({(e.Status == 0 ? "no response" : $"HTTP {e.Status}")}): the command may have started; it was not sent again",
        (_, ArmRequestFailedException { ErrorCode: { } code } e) => $"HTTP {e.Status} {code}: {OneLine(e.ErrorMessage ?? e.Message)}",
        (_, ArmRequestFailedException e) => $"HTTP {e.Status}: {OneLine(e.Message)}",
        (_, null) => null,
        (_, var e) => OneLine(e.Message),
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Cluster, kind and id; never the command text or a token.</summary>
    public override string ToString() => $"{Cluster.ClusterName}: {Kind}{(CommandId is null ? string.Empty : $" (command {CommandId})")}";
}
