namespace AksRunCommand.Operations;

/// <summary>What the start gave: the command id, an optional Retry-After, or (never seen in practice) a finished result.</summary>
internal sealed record StartOutcome(string CommandId, TimeSpan? RetryAfter, CommandResult? Completed);
