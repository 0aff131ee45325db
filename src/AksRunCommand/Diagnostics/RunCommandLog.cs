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

    [LoggerMessage(6, LogLevel.Warning, "Ignored {Header} '{Value}' from the service: not a valid value")]
    public static partial void RetryAfterIgnored(ILogger logger, string header, string value);

    [LoggerMessage(7, LogLevel.Warning, "Clamped {Header} '{Value}' from the service to {Maximum}, the longest wait a server value can ask for")]
    public static partial void RetryAfterClamped(ILogger logger, string header, string value, TimeSpan maximum);

    [LoggerMessage(8, LogLevel.Warning, "Waiting for command {CommandId} ended with {Error}; the command keeps running on the cluster")]
    public static partial void PollFailed(ILogger logger, string commandId, string error);

    [LoggerMessage(9, LogLevel.Warning, "Refreshing the token for {Scope} failed ({Error}); the cached token is still valid and is kept, and the refresh is tried again in 30 s")]
    public static partial void TokenRefreshFailed(ILogger logger, string scope, string error);

    [LoggerMessage(10, LogLevel.Warning, "ARM throttled {Kind} of subscription {Subscription}; the client sends none for {Pause}, then resumes at half the rate")]
    public static partial void BudgetPaused(ILogger logger, string kind, Guid subscription, TimeSpan pause);

    [LoggerMessage(11, LogLevel.Warning, "The fleet journal could not record the answer for command {CommandId} ({Error}); the command is waited for, and a rerun will not send it again (its intent is on disk)")]
    public static partial void JournalWriteFailed(ILogger logger, string commandId, string error);

    [LoggerMessage(12, LogLevel.Error, "The poll loop failed while handling command {CommandId} ({Step}: {Error}); that command's waiters got the error, the loop goes on")]
    public static partial void LoopFault(ILogger logger, string commandId, string step, string error);

    [LoggerMessage(13, LogLevel.Information, "The service throttled subscription {Subscription} (429, Retry-After {Pause}); from now on the client learns its rate from the answers, at {Rate:0.###} request(s) a second now")]
    public static partial void FirstThrottle(ILogger logger, Guid subscription, TimeSpan pause, double rate);

    [LoggerMessage(14, LogLevel.Debug, "Subscription {Subscription}: 429, rate down to {Rate:0.###} request(s) a second, pause {Pause}")]
    public static partial void RateDecreased(ILogger logger, Guid subscription, double rate, TimeSpan pause);

    [LoggerMessage(15, LogLevel.Debug, "Subscription {Subscription}: rate up to {Rate:0.###} request(s) a second")]
    public static partial void RateIncreased(ILogger logger, Guid subscription, double rate);

    [LoggerMessage(16, LogLevel.Warning, "The preflight could not read cluster {Cluster} ({Error}); it is not skipped: its run request will tell")]
    public static partial void PreflightReadFailed(ILogger logger, string cluster, string error);

    [LoggerMessage(17, LogLevel.Information, "Fleet wave {Wave} starts: {Count} cluster(s)")]
    public static partial void WaveStarting(ILogger logger, int wave, int count);

    [LoggerMessage(18, LogLevel.Warning, "The rollout stopped: {Reason}; running commands are waited for, nothing new starts")]
    public static partial void RolloutStopped(ILogger logger, string reason);
}
