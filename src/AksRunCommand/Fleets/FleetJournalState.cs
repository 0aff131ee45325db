namespace AksRunCommand.Fleets;

/// <summary>What a journal knows of one cluster: attempted (its request may have gone out), accepted with an id, refused, finished.</summary>
internal sealed record FleetJournalState(bool Attempted = false, string? CommandId = null, string? Refusal = null, FleetJournalEntry? Finished = null);
