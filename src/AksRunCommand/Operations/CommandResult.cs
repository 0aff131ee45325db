namespace AksRunCommand;

/// <summary>What a finished command gave: provisioning state, exit code, times, logs and reason.</summary>
public class CommandResult
{
    /// <summary>The size at which the service cuts <see cref="Logs"/>: 512 kB.</summary>
    public const int ServiceLogLimitBytes = 512 * 1000;

    /// <summary>For mocking.</summary>
    protected CommandResult()
    {
        CommandId = string.Empty;
        ProvisioningState = string.Empty;
        Logs = string.Empty;
    }

    internal CommandResult(string commandId, string provisioningState, int? exitCode, DateTimeOffset? startedAt, DateTimeOffset? finishedAt, string? logs, string? reason)
    {
        CommandId = commandId;
        ProvisioningState = provisioningState;
        ExitCode = exitCode;
        StartedAt = startedAt;
        FinishedAt = finishedAt;
        Logs = logs ?? string.Empty;
        Reason = reason;
    }

    /// <summary>The command id.</summary>
    public virtual string CommandId { get; }

    /// <summary>The provisioning state as the service sent it (<c>Succeeded</c>, <c>succeeded</c>, <c>Failed</c>, ...).</summary>
    public virtual string ProvisioningState { get; }

    /// <summary>True when the command ran (provisioning state <c>Succeeded</c>, any casing), whatever its exit code.</summary>
    public virtual bool HasRun => string.Equals(ProvisioningState, ProvisioningStates.Succeeded, StringComparison.OrdinalIgnoreCase);

    /// <summary>The command's exit code; null when it did not run.</summary>
    public virtual int? ExitCode { get; }

    /// <summary>When the command started.</summary>
    public virtual DateTimeOffset? StartedAt { get; }

    /// <summary>When the command finished.</summary>
    public virtual DateTimeOffset? FinishedAt { get; }

    /// <summary>How long the command ran, when both times are known.</summary>
    public virtual TimeSpan? Duration => StartedAt is { } s && FinishedAt is { } f ? f - s : null;

    /// <summary>The command's output (stdout and stderr as the service collected them); empty when none.</summary>
    public virtual string Logs { get; }

    /// <summary>Why the command could not run (for example <c>ImagePullBackoff</c>); null when it ran.</summary>
    public virtual string? Reason { get; }

    /// <summary>True when <see cref="Logs"/> reach the service's 512 kB cut, so the output was likely truncated.</summary>
    public virtual bool LogsLikelyTruncated => System.Text.Encoding.UTF8.GetByteCount(Logs) >= ServiceLogLimitBytes;

    /// <summary>True when the command ran and exited 0.</summary>
    public virtual bool IsSuccess => HasRun && ExitCode == 0;

    /// <summary>Returns this result when the command ran and exited 0; throws otherwise.</summary>
    /// <exception cref="CommandFailedException">Provisioning failed, or the exit code is not 0.</exception>
    public virtual CommandResult EnsureSuccess() => IsSuccess ? this : throw new CommandFailedException(this);
}
