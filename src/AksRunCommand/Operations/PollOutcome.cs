namespace AksRunCommand.Operations;

/// <summary>What one poll found: a finished result, or the state (null: unknown, the poll was throttled) and any Retry-After.</summary>
internal sealed record PollOutcome(CommandResult? Finished, string? State, TimeSpan? RetryAfter)
{
    /// <summary>Requests of this poll sent again after a transient fault.</summary>
    public int Retries { get; init; }
}
