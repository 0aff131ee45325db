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

    /// <summary>ARM refused the run request (404, 403, 413, <c>MissingAADClusterToken</c>, <c>KubernetesPerformanceError</c>, ...); the command did not start.</summary>
    Refused = 3,

    /// <summary>The run request got no definitive answer (5xx, timeout, broken connection): the command may have started; it was not sent again.</summary>
    MayHaveStarted = 4,

    /// <summary>The command started, but waiting stopped (the maximum wait, cancellation): it keeps running; resume with its id.</summary>
    WaitStopped = 5,

    /// <summary>The command started, but polling it failed (for example its id expired): see the error; it may keep running.</summary>
    WaitFailed = 6,

    /// <summary>The run was cancelled before this cluster's turn: nothing was sent.</summary>
    NotStarted = 7,
}
