using System.Text.RegularExpressions;

namespace AksRunCommand.Testing;

/// <summary>Scripts by command line: exact lines first, then regular expressions in the order added. Thread-safe.</summary>
internal sealed class CommandScripts
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CommandScript> _exact = new(StringComparer.Ordinal);
    private readonly List<(Regex Pattern, CommandScript Script)> _patterns = [];

    public CommandScript When(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_gate)
        {
            return _exact[command] = new CommandScript();
        }
    }

    public CommandScript WhenMatches(string pattern)
    {
        var script = new CommandScript();
        lock (_gate)
        {
            _patterns.Add((new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), script));
        }

        return script;
    }

    /// <summary>The script for <paramref name="command"/>; null when none was set up for it.</summary>
    public CommandScript? For(string command)
    {
        lock (_gate)
        {
            if (_exact.TryGetValue(command, out var exact))
            {
                return exact;
            }

            return _patterns.FirstOrDefault(p => p.Pattern.IsMatch(command)).Script;
        }
    }
}
