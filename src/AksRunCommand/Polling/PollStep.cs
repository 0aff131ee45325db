namespace AksRunCommand.Polling;

/// <summary>What one scheduled poll gave: the result of a finished command, the delay before the next poll, or a failure.</summary>
internal sealed record PollStep(CommandResult? Result, TimeSpan? NextDelay, Exception? Error);
