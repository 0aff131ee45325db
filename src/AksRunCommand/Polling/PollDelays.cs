using System.Globalization;

namespace AksRunCommand.Polling;

// The poll delay: the strategy's choice, checked (a strategy is the caller's code: it may throw or return
// nonsense), with the service's Retry-After as a floor under it.
internal static class PollDelays
{
    public static TimeSpan Next(PollingStrategy strategy, int pollCount, TimeSpan elapsed, TimeSpan? retryAfter, ClusterId cluster, string commandId)
    {
        TimeSpan scheduled;
        try
        {
            scheduled = strategy.GetDelay(pollCount, elapsed);
        }
        catch (Exception e)
        {
            throw new AksRunCommandException(
                $"The polling strategy {strategy.GetType().Name} threw {e.GetType().Name} for poll {pollCount} of command {commandId} on cluster '{cluster.ClusterName}': {e.Message}{ResumeHint.For(commandId)}",
                e)
            {
                CommandId = commandId,
            };
        }

        if (scheduled < TimeSpan.Zero || scheduled > PollingStrategy.MaxDelay)
        {
            throw new AksRunCommandException(string.Create(
                CultureInfo.InvariantCulture,
                $"The polling strategy {strategy.GetType().Name} returned {scheduled} for poll {pollCount} of command {commandId} on cluster '{cluster.ClusterName}'; a poll delay must be 0 to {PollingStrategy.MaxDelay.TotalHours:0} hour.{ResumeHint.For(commandId)}"))
            {
                CommandId = commandId,
            };
        }

        return RetryAfter.AsFloor(scheduled, retryAfter);
    }
}
