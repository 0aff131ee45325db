namespace AksRunCommand.Polling;

/// <summary>
/// The loop's one queue of due times: operations' next polls and retries (stamped with the operation's generation,
/// so an entry whose operation moved on is dropped when popped) and waiters' deadlines (dropped once the waiter
/// completed). Ties break by a sequence number, so the order is reproducible. Not thread-safe: the loop's lock guards it.
/// </summary>
internal sealed class DueQueue
{
    private readonly PriorityQueue<Entry, (long At, long Sequence)> _entries = new();
    private long _sequence;

    public int Count => _entries.Count;

    public void Schedule(PolledOperation operation, long at) => _entries.Enqueue(new Entry(operation, operation.Generation, null), (at, _sequence++));

    public void Deadline(PolledOperation operation, PollWaiter waiter) => _entries.Enqueue(new Entry(operation, 0, waiter), (waiter.Deadline!.Value, _sequence++));

    /// <summary>The earliest due time the loop's timer must wake for; stale entries on top are dropped on the way.</summary>
    public long? WakeAt()
    {
        while (_entries.TryPeek(out var entry, out var priority))
        {
            if (entry.IsCurrent)
            {
                return priority.At;
            }

            _entries.Dequeue();
        }

        return null;
    }

    /// <summary>Takes the earliest entry due at <paramref name="now"/>, stale or not (the caller checks).</summary>
    public bool TryTakeDue(long now, out Entry entry)
    {
        if (_entries.TryPeek(out entry, out var priority) && priority.At <= now)
        {
            _entries.Dequeue();
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>One queued due time: an operation's poll at a generation, or a waiter's deadline.</summary>
    public readonly record struct Entry(PolledOperation Operation, int Generation, PollWaiter? Waiter)
    {
        /// <summary>True when the entry still means something: the waiter is still waiting, or the operation is at that generation.</summary>
        public bool IsCurrent => Waiter is { } waiter ? !waiter.Completed : Operation.Generation == Generation;
    }
}
