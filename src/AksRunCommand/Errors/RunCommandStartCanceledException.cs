namespace AksRunCommand;

/// <summary>
/// The caller cancelled while the run request was being started. <see cref="CommandMayHaveStarted"/> says
/// whether a request was on the network at that moment (the command may then be running; it is never sent
/// again) or the client was waiting out a throttle (nothing was accepted). An <see cref="OperationCanceledException"/>,
/// so the usual cancellation handling applies.
/// </summary>
public class RunCommandStartCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public RunCommandStartCanceledException(ClusterId cluster, bool commandMayHaveStarted, Exception? innerException, CancellationToken cancellationToken)
        : base(Describe(cluster, commandMayHaveStarted), innerException, cancellationToken)
    {
        Cluster = cluster;
        CommandMayHaveStarted = commandMayHaveStarted;
    }

    /// <summary>The cluster the command was for.</summary>
    public ClusterId Cluster { get; }

    /// <summary>True when the run request was on the network when the caller cancelled: the command may or may not have started.</summary>
    public bool CommandMayHaveStarted { get; }

    private static string Describe(ClusterId cluster, bool mayHaveStarted) => mayHaveStarted
        ? $"Cancelled while the runCommand request for cluster '{cluster.ClusterName}' was in flight: the command may or may not have started; it was not sent again. Check the cluster before running it again."
        : $"Cancelled before the runCommand request for cluster '{cluster.ClusterName}' was accepted (the client was waiting out a throttle): the command was not started.";
}
