namespace AksRunCommand.Cli;

/// <summary>A failure of the tool's own, told in one line; exit status 255.</summary>
internal sealed class CliFailure(string message) : Exception(message);
