namespace AksRunCommand.Cli;

/// <summary>The tool's exit status, like ssh's: the remote command's exit code when it ran, 255 for the tool's own failures.</summary>
internal static class ExitStatus
{
    /// <summary>Every failure of the tool's own: bad input, an ARM error, a command that could not run, a timeout.</summary>
    public const int OwnFailure = 255;

    /// <summary>
    /// The remote exit code where it fits a process exit status (0 to 255); one that does not fit wraps as a shell's
    /// does (its low 8 bits), except that a non-zero code never becomes 0: one that wraps to 0 (256, 512, ...) exits 1.
    /// </summary>
    public static int ForRemote(int code) => code switch
    {
        >= 0 and <= 255 => code,
        _ when (code & 0xFF) == 0 => 1,
        _ => code & 0xFF,
    };
}
