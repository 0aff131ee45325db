namespace AksRunCommand.Cli;

/// <summary>What the tool reads from and writes to: the console in a process, writers and a dictionary in tests.</summary>
internal sealed record CliHost(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> Environment,
    string WorkingDirectory,
    bool ErrorIsTerminal,
    TimeProvider TimeProvider,
    HttpMessageHandler? Transport = null)
{
    public static CliHost FromConsole() => new(
        Console.Out,
        Console.Error,
        System.Environment.GetEnvironmentVariable,
        Directory.GetCurrentDirectory(),
        ErrorIsTerminal: !Console.IsErrorRedirected,
        TimeProvider.System);
}
