namespace AksRunCommand.Diagnostics;

/// <summary>What the client's spans may carry beyond ids, states and counts.</summary>
public sealed class AksRunCommandDiagnosticsOptions
{
    /// <summary>
    /// Adds the command line to the run span as <c>aks.runcommand.command</c>; default false, because command lines
    /// may hold secrets (a <c>--token</c>, a password in a Helm value). The context's files are never recorded.
    /// </summary>
    public bool IncludeCommandText { get; set; }
}
