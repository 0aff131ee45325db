namespace AksRunCommand;

/// <summary>What one poll of a running command saw.</summary>
/// <param name="CommandId">The command id.</param>
/// <param name="State">The provisioning state (<c>Running</c> while the service answers 202 without one).</param>
/// <param name="Elapsed">Time since the operation started (or was resumed).</param>
/// <param name="PollCount">How many polls were made, this one included.</param>
/// <param name="HasCompleted">True when this poll found the command finished.</param>
/// <param name="NextDelay">The wait before the next poll; zero when completed.</param>
public sealed record RunCommandProgress(string CommandId, string State, TimeSpan Elapsed, int PollCount, bool HasCompleted, TimeSpan NextDelay);
