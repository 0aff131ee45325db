namespace AksRunCommand.Fleets;

/// <summary>
/// What a journal knows of one cluster: its numbered run requests (each an intent and at most one answer) and
/// its result. A line speaks only of its own attempt, so no later line can erase the doubt of an earlier intent
/// that got no answer.
/// </summary>
internal sealed class ClusterHistory
{
    private readonly SortedDictionary<int, RunAttempt> _attempts = [];

    /// <summary>The result an earlier run recorded, if any.</summary>
    public FleetJournalEntry? Finished { get; private set; }

    /// <summary>The highest attempt number recorded (0: none).</summary>
    public int LastAttempt => _attempts.Count == 0 ? 0 : _attempts.Keys.Max();

    /// <summary>The id of the latest attempt ARM accepted with a usable id.</summary>
    public string? CommandId => _attempts.Values.LastOrDefault(a => a.Answer == AttemptAnswer.Accepted && a.CommandId is not null)?.CommandId;

    /// <summary>True when ARM accepted an attempt but gave no usable id: the command started; it is never sent again.</summary>
    public bool AcceptedWithoutId => _attempts.Values.Any(a => a.Answer == AttemptAnswer.Accepted && a.CommandId is null);

    /// <summary>True when an attempt's intent is on disk with no answer: its request may have started the command.</summary>
    public bool Unanswered => _attempts.Values.Any(a => a.Intent && a.Answer == AttemptAnswer.None);

    /// <summary>The reason of a refusal that no rerun can change (404, 403, 413, ...), if one was recorded.</summary>
    public string? FinalRefusal => _attempts.Values.LastOrDefault(a => a.Answer == AttemptAnswer.Refused && a.Final)?.Reason;

    /// <summary>The attempts, by number.</summary>
    public IReadOnlyDictionary<int, RunAttempt> Attempts => _attempts;

    /// <summary>Folds one line into the history. Lines without an attempt number (version 1) speak of the latest intent.</summary>
    public void Apply(FleetJournalEntry entry)
    {
        if (entry.Type == FleetJournalEntry.Finished)
        {
            Finished = entry;
            return;
        }

        var number = entry.Attempt ?? (entry.Type == FleetJournalEntry.Intent ? LastAttempt + 1 : Math.Max(1, LastAttempt));
        if (number < 1)
        {
            return; // not a line this version wrote
        }

        var attempt = _attempts.GetValueOrDefault(number) ?? new RunAttempt();
        _attempts[number] = entry.Type switch
        {
            FleetJournalEntry.Intent => attempt with { Intent = true },

            // Accepted dominates any other answer: once ARM said 2xx, the command is never sent again.
            FleetJournalEntry.Accepted => attempt with { Answer = AttemptAnswer.Accepted, CommandId = entry.CommandId },
            FleetJournalEntry.Refused when attempt.Answer == AttemptAnswer.None => attempt with
            {
                Answer = AttemptAnswer.Refused,
                Final = entry.Final ?? RunRequestRefusals.IsFinal(entry.Error),
                Reason = entry.Error ?? "refused",
            },
            FleetJournalEntry.NotSent when attempt.Answer == AttemptAnswer.None => attempt with { Answer = AttemptAnswer.NotSent },
            _ => attempt,
        };
    }
}

/// <summary>One numbered run request of a cluster: its intent (on disk before the request) and its one answer.</summary>
internal sealed record RunAttempt(bool Intent = false, AttemptAnswer Answer = AttemptAnswer.None, string? CommandId = null, bool Final = false, string? Reason = null);

/// <summary>How one run request was answered.</summary>
internal enum AttemptAnswer
{
    /// <summary>No answer recorded: after an intent, the command may have started.</summary>
    None,

    /// <summary>ARM answered 2xx: the command started.</summary>
    Accepted,

    /// <summary>ARM answered with an error that certainly did not start the command.</summary>
    Refused,

    /// <summary>The request never left the process.</summary>
    NotSent,
}
