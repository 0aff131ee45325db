namespace AksRunCommand;

/// <summary>Where a fleet run stands.</summary>
/// <param name="Total">Clusters in the run.</param>
/// <param name="Waiting">Clusters whose turn has not come (at most <see cref="FleetRunOptions.MaxParallel"/> are in flight).</param>
/// <param name="Starting">Clusters whose run request is being sent.</param>
/// <param name="Running">Commands started and not yet seen finished.</param>
/// <param name="Succeeded">Commands that ran and exited 0.</param>
/// <param name="Failed">Clusters that ended any other way, but skipped.</param>
/// <param name="Skipped">Clusters the preflight skipped (<see cref="FleetOutcomeKind.Skipped"/>).</param>
public sealed record FleetProgress(int Total, int Waiting, int Starting, int Running, int Succeeded, int Failed, int Skipped)
{
    /// <summary>Where a fleet run stands, with no cluster skipped.</summary>
    /// <param name="Total">Clusters in the run.</param>
    /// <param name="Waiting">Clusters whose turn has not come.</param>
    /// <param name="Starting">Clusters whose run request is being sent.</param>
    /// <param name="Running">Commands started and not yet seen finished.</param>
    /// <param name="Succeeded">Commands that ran and exited 0.</param>
    /// <param name="Failed">Clusters that ended any other way.</param>
    public FleetProgress(int Total, int Waiting, int Starting, int Running, int Succeeded, int Failed)
        : this(Total, Waiting, Starting, Running, Succeeded, Failed, 0)
    {
    }
}
