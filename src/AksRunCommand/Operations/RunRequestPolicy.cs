namespace AksRunCommand.Operations;

/// <summary>How one start sends its run requests.</summary>
/// <param name="Journal">Records each request before it goes out and its answer; null for none.</param>
/// <param name="UntilAccepted">
/// True for a fleet run: a throttled run request (429) is never a final outcome; it waits for the subscription's
/// write budget and Retry-After as long as the caller's token allows. False: at most <see cref="ArmRetryOptions.MaxRetries"/> resends after 429s.
/// </param>
/// <param name="SendBy">A timestamp of the client's clock after which no request is sent (a fleet's maximum wait per cluster): the wait for the write budget ends there.</param>
internal sealed record RunRequestPolicy(IRunRequestJournal? Journal = null, bool UntilAccepted = false, long? SendBy = null)
{
    public static RunRequestPolicy Single { get; } = new();
}
