namespace AksRunCommand.Testing;

// One accepted command on the fake and how far it got.
internal sealed class FakeCommand
{
    public FakeCommand(string id, ClusterId cluster, CommandScript script, DateTimeOffset startedAt)
    {
        Id = id;
        Cluster = cluster;
        Script = script;
        StartedAt = startedAt;
    }

    public string Id { get; }

    public ClusterId Cluster { get; }

    public CommandScript Script { get; }

    public DateTimeOffset StartedAt { get; }

    public int Polls { get; set; }

    /// <summary>True once a poll answered with its end (the 200 of <c>Succeeded</c> or <c>Failed</c>).</summary>
    public bool EndReported { get; set; }

    public bool IsRunning(DateTimeOffset now) => Script.RunningTime is { } time ? now - StartedAt < time : Polls <= Script.RunningPolls;

    public string State(string state) => Script.LowercaseStates ? state.ToLowerInvariant() : state;
}
