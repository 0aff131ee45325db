namespace AksRunCommand;

/// <summary>Provisioning states the service sends; compare them case-insensitively, the service uses both casings.</summary>
public static class ProvisioningStates
{
    /// <summary>The command is running (or waiting for its pod).</summary>
    public const string Running = "Running";

    /// <summary>The command ran; see its exit code.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>The command could not run; see its reason.</summary>
    public const string Failed = "Failed";
}
