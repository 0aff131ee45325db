namespace AksRunCommand;

// The sentence every error after an accepted run request ends with: the command goes on, and how to wait again.
internal static class ResumeHint
{
    public static string For(string commandId) =>
        $" The command keeps running on the cluster; resume the wait with GetRunCommandOperation(cluster, \"{commandId}\").";
}
