namespace AksRunCommand;

/// <summary>How the command ended on one cluster of a fleet run.</summary>
public enum FleetOutcomeKind
{
    /// <summary>The command ran and exited 0.</summary>
    Succeeded = 0,

    /// <summary>The command ran and exited with another code.</summary>
    NonZeroExit = 1,

    /// <summary>The command could not run (provisioning <c>Failed</c>, for example <c>ImagePullBackoff</c>).</summary>
    ProvisioningFailed = 2,

    /// <summary>
    /// ARM refused the run request (404, 403, 413, <c>MissingAADClusterToken</c>, <c>KubernetesPerformanceError</c>, ...); the
    /// command did not start. A journal records whether the refusal is final or retryable; a rerun starts the retryable ones.
    /// </summary>
    Refused = 3,

    /// <summary>The run request got no definitive answer (5xx, timeout, broken connection): the command may have started; it was not sent again.</summary>
    MayHaveStarted = 4,

    /// <summary>The command started, but waiting stopped (the maximum wait, cancellation): it keeps running; resume with its id.</summary>
    WaitStopped = 5,

    /// <summary>The command started, but polling it failed (for example its id expired): see the error; it may keep running.</summary>
    WaitFailed = 6,

    /// <summary>
    /// Nothing was sent to this cluster: the run was cancelled or stopped before its turn (or while its run request
    /// waited for the write budget), or the request could not be made (see the error). A rerun with the journal starts it.
    /// </summary>
    NotStarted = 7,

    /// <summary>
    /// ARM accepted the run request (2xx) but gave no usable command id (no usable <c>Location</c>): the command
    /// started, its result cannot be read, and it is never sent again, not even with <see cref="FleetRunOptions.ResendPossiblyStarted"/>.
    /// </summary>
    AcceptedWithoutId = 8,

    /// <summary>
    /// The preflight found the cluster unable to run a command (stopped, run command disabled, not in a usable
    /// provisioning state, gone): nothing was sent. Decided again by every run. A failure only with
    /// <see cref="FleetRunOptions.SkippedIsFailure"/>.
    /// </summary>
    Skipped = 9,
}
