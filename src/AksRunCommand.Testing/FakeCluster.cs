namespace AksRunCommand.Testing;

/// <summary>
/// How one cluster of a <see cref="FakeAks"/> behaves, for code that runs on many clusters: whether it
/// exists, whether the caller may run commands on it, whether it needs a cluster token, what its commands do,
/// and what ARM's managedClusters get and list say of it (location, tags, power and provisioning state,
/// <c>disableRunCommand</c>, the Entra ID profile). Made with <see cref="FakeAks.Cluster"/>; the clusters made so are
/// the ones the fake's lists hold; a cluster never configured follows the fake's options.
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

    internal string Location { get; private set; } = "westeurope";

    internal IReadOnlyList<KeyValuePair<string, string>> Tags { get; private set; } = [];

    internal string PowerState { get; private set; } = "Running";

    internal string ProvisioningState { get; private set; } = "Succeeded";

    internal bool RunCommandIsDisabled { get; private set; }

    internal bool EntraId { get; private set; }

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

    /// <summary>
    /// The cluster uses Microsoft Entra ID integration: a run request without a cluster token gets <c>MissingAADClusterToken</c>,
    /// and the cluster's JSON has an <c>aadProfile</c> (the same as <see cref="WithEntraId"/>).
    /// </summary>
    public FakeCluster RequiresClusterToken()
    {
        RequiresToken = true;
        EntraId = true;
        return this;
    }

    /// <summary>
    /// The cluster has AKS-managed Microsoft Entra ID integration: its JSON has <c>properties.aadProfile</c>
    /// (<c>managed: true</c>, Azure RBAC on), and a run request without a cluster token gets <c>MissingAADClusterToken</c>,
    /// as <see cref="RequiresClusterToken"/> (the Azure CLI sends a cluster token exactly when the profile is managed).
    /// </summary>
    public FakeCluster WithEntraId() => RequiresClusterToken();

    /// <summary>The cluster's Azure region in its JSON (<c>location</c>); default <c>westeurope</c>.</summary>
    public FakeCluster InLocation(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        Location = location;
        return this;
    }

    /// <summary>The cluster's resource tags, replacing any set before (keys are case-insensitive, as in ARM: a key twice is refused).</summary>
    public FakeCluster WithTags(params (string Key, string Value)[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return WithTags(tags.Select(t => new KeyValuePair<string, string>(t.Key, t.Value)));
    }

    /// <summary>The cluster's resource tags, replacing any set before (keys are case-insensitive, as in ARM: a key twice is refused).</summary>
    public FakeCluster WithTags(IEnumerable<KeyValuePair<string, string>> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in tags)
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(tags));
            ArgumentNullException.ThrowIfNull(value, nameof(tags));
            if (list.Exists(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"tags: the key '{key}' is given twice (ARM's tag keys are case-insensitive).", nameof(tags));
            }

            list.Add(new KeyValuePair<string, string>(key, value));
        }

        Tags = list;
        return this;
    }

    /// <summary>
    /// The cluster is stopped (<c>az aks stop</c>): its JSON says <c>powerState.code: Stopped</c>, and a run request gets
    /// 409 <c>OperationNotAllowed</c> saying the cluster is stopped (final: no rerun helps until it is started).
    /// </summary>
    public FakeCluster Stopped() => InPowerState("Stopped");

    /// <summary>The cluster's <c>properties.powerState.code</c>, any text (<c>Running</c> by default; a value the spec does not list reads as unknown).</summary>
    public FakeCluster InPowerState(string code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        PowerState = code;
        return this;
    }

    /// <summary>
    /// Run command is disabled on the cluster: its JSON says <c>properties.apiServerAccessProfile.disableRunCommand: true</c>,
    /// and a run request gets 400 <c>OperationNotAllowed</c> saying run command is disabled.
    /// </summary>
    public FakeCluster RunCommandDisabled()
    {
        RunCommandIsDisabled = true;
        return this;
    }

    /// <summary>The cluster's <c>properties.provisioningState</c> (<c>Succeeded</c> by default). Only the JSON says it: run requests are not refused for it.</summary>
    public FakeCluster InProvisioningState(string state)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        ProvisioningState = state;
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
