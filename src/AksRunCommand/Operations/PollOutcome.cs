namespace AksRunCommand.Operations;

/// <summary>What one poll found: a finished result, or the state (null: unknown, the poll was throttled) and any Retry-After.</summary>
internal sealed record PollOutcome(CommandResult? Finished, string? State, TimeSpan? RetryAfter);
