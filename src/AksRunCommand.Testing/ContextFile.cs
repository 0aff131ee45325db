namespace AksRunCommand.Testing;

/// <summary>One file of a context the fake received.</summary>
/// <param name="Name">Its name in the zip.</param>
/// <param name="Content">Its bytes.</param>
public sealed record ContextFile(string Name, byte[] Content);
