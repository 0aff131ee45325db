namespace AksRunCommand;

/// <summary>
/// When to send a cluster token: a token for the AKS Microsoft Entra ID server application
/// (<c>6dae42f8-4368-4678-94ff-3960e28e3630</c>), which clusters with Entra ID integration require.
/// </summary>
public enum ClusterTokenMode
{
    /// <summary>Send none at first; when the service answers <c>MissingAADClusterToken</c>, get one from the same credential and resend once.</summary>
    Auto = 0,

    /// <summary>Always get one and send it with the first request.</summary>
    Always = 1,

    /// <summary>Never send one; <c>MissingAADClusterToken</c> is an error.</summary>
    Never = 2,
}
