using Microsoft.Extensions.Logging;

namespace AksRunCommand.Diagnostics;

// Never logs a command line, a context or a token: ids, states, delays and status codes only.
internal static partial class RunCommandLog
{
    [LoggerMessage(1, LogLevel.Information, "Started command {CommandId} on cluster {Cluster} (POST answered {Status} after {Attempts} attempt(s))")]
    public static partial void CommandStarted(ILogger logger, string commandId, string cluster, int status, int attempts);

    [LoggerMessage(2, LogLevel.Information, "Command {CommandId} is {State} after {Elapsed}; poll {PollCount}, next in {NextDelay}")]
    public static partial void Polled(ILogger logger, string commandId, string state, TimeSpan elapsed, int pollCount, TimeSpan nextDelay);

    [LoggerMessage(3, LogLevel.Information, "Command {CommandId} finished: {State}, exit code {ExitCode}, after {Elapsed} and {PollCount} poll(s)")]
    public static partial void Completed(ILogger logger, string commandId, string state, int? exitCode, TimeSpan elapsed, int pollCount);

    [LoggerMessage(4, LogLevel.Warning, "{Action} answered {Outcome}; retry {Attempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, string action, string outcome, int attempt, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Information, "Cluster requires a Microsoft Entra ID cluster token; resending the run request once with one")]
    public static partial void ResendingWithClusterToken(ILogger logger);
}
