using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AksRunCommand.Testing;

// What an unscripted command does: "exit N" exits N, "sleep N" runs N seconds, "echo ..." prints,
// anything else succeeds and echoes the command and the attached files.
internal static partial class DefaultBehaviour
{
    public static CommandScript For(string command, IReadOnlyList<ContextFile> files)
    {
        var trimmed = command.Trim();
        if (ExitRegex().Match(trimmed) is { Success: true } exit)
        {
            return new CommandScript().ExitsWith(int.Parse(exit.Groups[1].Value, CultureInfo.InvariantCulture) & 0xFF);
        }

        if (SleepRegex().Match(trimmed) is { Success: true } sleep)
        {
            return new CommandScript().RunningFor(TimeSpan.FromSeconds(double.Parse(sleep.Groups[1].Value, CultureInfo.InvariantCulture))).ExitsWith(0);
        }

        if (EchoRegex().Match(trimmed) is { Success: true } echo)
        {
            return new CommandScript().ExitsWith(0, echo.Groups[1].Value.Trim('"', '\'') + "\n");
        }

        var logs = new StringBuilder();
        logs.Append(CultureInfo.InvariantCulture, $"[fake aks] ran: {command}\n");
        foreach (var file in files)
        {
            logs.Append(CultureInfo.InvariantCulture, $"[fake aks] attached: {file.Name} ({file.Content.Length} bytes)\n");
        }

        return new CommandScript().ExitsWith(0, logs.ToString());
    }

    [GeneratedRegex(@"^exit\s+(\d+)$")]
    private static partial Regex ExitRegex();

    [GeneratedRegex(@"^sleep\s+(\d+(?:\.\d+)?)$")]
    private static partial Regex SleepRegex();

    [GeneratedRegex(@"^echo\s+(.*)$", RegexOptions.Singleline)]
    private static partial Regex EchoRegex();
}
