namespace AksRunCommand.Cli;

/// <summary>The flags that say where a command runs.</summary>
internal sealed record ConnectionFlags(string? Subscription, string? ResourceGroup, string? ClusterName, string? Endpoint, string? ApiVersion, bool Emulator);
