namespace AksRunCommand.Cli;

/// <summary>What the tool reads from and writes to: the console in a process, writers and a dictionary in tests.</summary>
internal sealed record CliHost(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> Environment,
    string WorkingDirectory,
    bool ErrorIsTerminal,
    TimeProvider TimeProvider,
    HttpMessageHandler? Transport = null,
    TextReader? Input = null)
{
    /// <summary>Standard input (the cluster list of <c>aks-run fleet --clusters -</c>).</summary>
    public TextReader In => Input ?? TextReader.Null;

    public static CliHost FromConsole() => new(
        Console.Out,
        Console.Error,
        System.Environment.GetEnvironmentVariable,
        Directory.GetCurrentDirectory(),
        ErrorIsTerminal: !Console.IsErrorRedirected,
        TimeProvider.System,
        Input: Console.In);
}
