namespace AksRunCommand.Operations;

/// <summary>
/// Where a durable caller (a fleet run's journal) records each run request: attempt n's intent before request n
/// goes out, then exactly one answer to it (accepted, refused, not sent). A request whose intent has no answer
/// may have started the command.
/// </summary>
internal interface IRunRequestJournal
{
    /// <summary>Records the next attempt's intent, on disk before its request is sent; returns its number.</summary>
    ValueTask<int> IntentAsync();

    /// <summary>ARM answered 2xx: the command started, with its id or none when the Location was unusable.</summary>
    ValueTask AcceptedAsync(int attempt, string? commandId);

    /// <summary>ARM answered with an error that certainly did not start the command.</summary>
    ValueTask RefusedAsync(int attempt, bool final, string reason);

    /// <summary>The attempt's request never left the process.</summary>
    ValueTask NotSentAsync(int attempt, string? reason);
}
