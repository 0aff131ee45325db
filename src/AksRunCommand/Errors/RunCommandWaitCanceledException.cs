namespace AksRunCommand;

/// <summary>
/// Waiting for a command stopped (cancellation or the maximum wait). Only the waiting stopped: the command
/// keeps running on the cluster, and <see cref="AksRunCommandClient.GetRunCommandOperation"/> with
/// <see cref="CommandId"/> resumes the wait. An <see cref="OperationCanceledException"/>, so the usual
/// cancellation handling applies.
/// </summary>
public class RunCommandWaitCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public RunCommandWaitCanceledException(ClusterId cluster, string commandId, bool maxWaitElapsed, CancellationToken cancellationToken)
        : base(Describe(cluster, commandId, maxWaitElapsed), cancellationToken)
    {
        Cluster = cluster;
        CommandId = commandId;
        MaxWaitElapsed = maxWaitElapsed;
    }

    /// <summary>The cluster the command runs on.</summary>
    public ClusterId Cluster { get; }

    /// <summary>The command id to resume with.</summary>
    public string CommandId { get; }

    /// <summary>True when the maximum wait elapsed; false when the caller cancelled.</summary>
    public bool MaxWaitElapsed { get; }

    private static string Describe(ClusterId cluster, string commandId, bool maxWaitElapsed) =>
        $"Stopped waiting for command {commandId} on cluster {cluster.ClusterName} ({(maxWaitElapsed ? "the maximum wait elapsed" : "cancelled")}); the command keeps running on the cluster. Resume with GetRunCommandOperation(cluster, \"{commandId}\").";
}
