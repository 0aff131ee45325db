namespace AksRunCommand.Operations;

/// <summary>What the start gave: the command id, an optional Retry-After, or (never seen in practice) a finished result.</summary>
internal sealed record StartOutcome(string CommandId, TimeSpan? RetryAfter, CommandResult? Completed)
{
    /// <summary>Run requests sent again (after a 429, or once with a cluster token).</summary>
    public int Retries { get; init; }

    /// <summary>True when the accepted request carried a cluster token.</summary>
    public bool ClusterTokenSent { get; init; }
}
