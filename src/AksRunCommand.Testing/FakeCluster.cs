namespace AksRunCommand.Testing;

/// <summary>
/// How one cluster of a <see cref="FakeAks"/> behaves, for code that runs on many clusters: whether it
/// exists, whether the caller may run commands on it, whether it needs a cluster token, what its commands do.
/// Made with <see cref="FakeAks.Cluster"/>; a cluster never configured follows the fake's options.
/// </summary>
public sealed class FakeCluster
{
    private readonly CommandScripts _scripts = new();

    internal FakeCluster(ClusterId id)
    {
        Id = id;
    }

    /// <summary>The cluster.</summary>
    public ClusterId Id { get; }

    internal bool? Exists { get; private set; }

    internal bool Forbidden { get; private set; }

    internal bool? RequiresToken { get; private set; }

    internal FakeFault? StartRefusal { get; private set; }

    /// <summary>Requests for this cluster get 404 <c>ResourceNotFound</c>, as for a cluster that was deleted or is in another subscription.</summary>
    public FakeCluster DoesNotExist()
    {
        Exists = false;
        return this;
    }

    /// <summary>Run requests get 403 <c>AuthorizationFailed</c>, as for a caller without <c>runcommand/action</c> on this cluster.</summary>
    public FakeCluster Forbids()
    {
        Forbidden = true;
        return this;
    }

    /// <summary>The cluster uses Microsoft Entra ID integration: a run request without a cluster token gets <c>MissingAADClusterToken</c>.</summary>
    public FakeCluster RequiresClusterToken()
    {
        RequiresToken = true;
        return this;
    }

    /// <summary>Every run request on this cluster gets <paramref name="fault"/> (for example 400 <c>KubernetesPerformanceError</c>).</summary>
    public FakeCluster RefusesEveryStart(FakeFault fault)
    {
        StartRefusal = fault ?? throw new ArgumentNullException(nameof(fault));
        return this;
    }

    /// <summary>Scripts the command whose line is exactly <paramref name="command"/> on this cluster (before the fake's own scripts).</summary>
    public CommandScript When(string command) => _scripts.When(command);

    /// <summary>Scripts the commands that match a regular expression on this cluster (after exact ones, in the order added).</summary>
    public CommandScript WhenMatches(string pattern) => _scripts.WhenMatches(pattern);

    internal CommandScript? ScriptFor(string command) => _scripts.For(command);
}
