namespace AksRunCommand;

/// <summary>
/// What a fleet rollout needs to know of a managed cluster, read through ARM's managedClusters list or get
/// (<see cref="AksRunCommandClient.ListClustersAsync"/>, <see cref="AksRunCommandClient.GetClusterAsync"/>): where it is,
/// its tags, and whether it can run a command now (<see cref="CannotRunCommandReason"/>, the one place that decides).
/// </summary>
public sealed class ManagedClusterInfo
{
    /// <summary>The provisioning states in which a cluster can run a command (compared case-insensitively).</summary>
    /// <remarks>
    /// <c>Succeeded</c>: the last operation finished. <c>Updating</c>, <c>Upgrading</c>, <c>Scaling</c>: an operation is
    /// under way on a running cluster whose API server keeps serving (AKS upgrades and scales node by node, surging new
    /// nodes before draining old ones), so the run-command pod can be scheduled. Every other state is a reason to skip:
    /// <c>Creating</c> and <c>Starting</c> (no API server yet), <c>Stopping</c> and <c>Deleting</c> (going away),
    /// <c>Failed</c> and <c>Canceled</c> (the last operation did not finish: the cluster may be half-changed; reconcile it
    /// first), and a state this list does not know (a rollout skips what it cannot vouch for, and says so).
    /// </remarks>
    public static IReadOnlyList<string> UsableProvisioningStates { get; } = ["Succeeded", "Updating", "Upgrading", "Scaling"];

    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the information of one cluster (ARM reads make it; tests and mocks may too).</summary>
    /// <param name="id">The cluster.</param>
    /// <param name="location">The Azure region, for example <c>westeurope</c>.</param>
    /// <param name="tags">The resource tags; keys are compared case-insensitively, as in ARM (a key given twice in other casing keeps its first value).</param>
    /// <param name="powerState"><c>Running</c>, <c>Stopped</c>, or null when unknown.</param>
    /// <param name="provisioningState">For example <c>Succeeded</c>, <c>Updating</c> or <c>Failed</c>; null when unknown.</param>
    /// <param name="runCommandDisabled">True when <c>properties.apiServerAccessProfile.disableRunCommand</c> is true.</param>
    /// <param name="usesEntraId">True when the cluster has a Microsoft Entra ID profile (<c>properties.aadProfile</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is the default <see cref="ClusterId"/>.</exception>
    public ManagedClusterInfo(ClusterId id, string? location, IReadOnlyDictionary<string, string>? tags, string? powerState, string? provisioningState, bool runCommandDisabled, bool usesEntraId)
    {
        if (id.IsDefault)
        {
            throw new ArgumentException("id is the default ClusterId: create it with new ClusterId(subscription, resourceGroup, name) or ClusterId.Parse(resourceId).", nameof(id));
        }

        Id = id;
        Location = location;
        Tags = tags is null || tags.Count == 0 ? NoTags : CaseInsensitive(tags);
        PowerState = string.IsNullOrEmpty(powerState) ? null : powerState;
        ProvisioningState = string.IsNullOrEmpty(provisioningState) ? null : provisioningState;
        RunCommandDisabled = runCommandDisabled;
        UsesEntraId = usesEntraId;
        CannotRunCommandReason = ReasonFor(PowerState, ProvisioningState, runCommandDisabled);
    }

    /// <summary>The cluster (its resource group and name in the casing ARM's id has).</summary>
    public ClusterId Id { get; }

    /// <summary>The Azure region, for example <c>westeurope</c>; null when ARM gave none.</summary>
    public string? Location { get; }

    /// <summary>The resource tags; keys case-insensitive, values as ARM gave them.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary><c>Running</c> or <c>Stopped</c>; null when ARM gave none or a value this api-version's spec does not list.</summary>
    public string? PowerState { get; }

    /// <summary>The cluster's provisioning state (<c>Succeeded</c>, <c>Updating</c>, <c>Failed</c>, ...); null when ARM gave none.</summary>
    public string? ProvisioningState { get; }

    /// <summary>True when run command is disabled on the cluster (<c>apiServerAccessProfile.disableRunCommand</c>).</summary>
    public bool RunCommandDisabled { get; }

    /// <summary>True when the cluster has Microsoft Entra ID integration (<c>aadProfile</c>): run requests need a cluster token.</summary>
    public bool UsesEntraId { get; }

    /// <summary>
    /// Null when the cluster can run a command; otherwise why it cannot, in one phrase that says what to do: its power
    /// state is <c>Stopped</c>, run command is disabled, or its provisioning state is not one of
    /// <see cref="UsableProvisioningStates"/> (in that order of precedence). An unknown power state or provisioning state
    /// (null) is not a reason: the run request is left to tell.
    /// </summary>
    public string? CannotRunCommandReason { get; }

    /// <summary>The resource id and, when it cannot run a command, why.</summary>
    public override string ToString() => CannotRunCommandReason is null ? Id.ResourceId : $"{Id.ResourceId} ({CannotRunCommandReason})";

    private static string? ReasonFor(string? powerState, string? provisioningState, bool runCommandDisabled)
    {
        if (string.Equals(powerState, "Stopped", StringComparison.OrdinalIgnoreCase))
        {
            return "power state Stopped: start it with az aks start";
        }

        if (runCommandDisabled)
        {
            return "apiServerAccessProfile.disableRunCommand is true: enable it with az aks update --enable-run-command";
        }

        if (provisioningState is not null && !UsableProvisioningStates.Contains(provisioningState, StringComparer.OrdinalIgnoreCase))
        {
            return $"provisioning state {provisioningState}: a command runs only in {string.Join(", ", UsableProvisioningStates)}";
        }

        return null;
    }

    private static Dictionary<string, string> CaseInsensitive(IReadOnlyDictionary<string, string> tags)
    {
        var copy = new Dictionary<string, string>(tags.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in tags)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(tags));
            copy.TryAdd(key, value ?? string.Empty);
        }

        return copy;
    }
}
