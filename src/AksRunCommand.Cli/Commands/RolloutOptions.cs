using System.CommandLine;
using System.Globalization;

namespace AksRunCommand.Cli.Commands;

/// <summary>
/// The rollout flags of <c>aks-run fleet</c>: preflight, canary, waves and their pause, the failure budget, a dry run,
/// and whether skips count as failures. Each is checked before anything is read or sent; the library's rules
/// (<see cref="FleetRunOptions"/>) are the ones enforced, named here by their flags.
/// </summary>
internal sealed class RolloutOptions
{
    public Option<bool> NoPreflight { get; } = new("--no-preflight") { Description = "Do not read each cluster before its run request (by default: one GET per named cluster, none for selected ones; stopped, run-command-disabled, unusable or missing clusters are Skipped, nothing sent)." };

    public Option<bool> Strict { get; } = new("--strict") { Description = "Count Skipped clusters as failures: for the exit status and for --max-failures." };

    public Option<int> Canary { get; } = Bounded("--canary", "The first N clusters (in the order given, or sorted by id when selected) run alone; the rest start only if all N succeeded.", 0, 1000, "clusters");

    public Option<int?> WaveSize { get; } = BoundedOrNull("--wave-size", "After the canary, start the clusters in waves of N; a wave starts when the one before finished and --wave-pause passed.", 1, 100_000, "clusters");

    public Option<string> Waves { get; } = new("--waves") { Description = "After the canary, waves as cumulative percentages of the remaining clusters, e.g. 10%,30%,100% (the last 100%). Not with --wave-size." };

    public Option<int> WavePause { get; } = Bounded("--wave-pause", "Seconds to wait between the end of one wave (the canary included) and the start of the next.", 0, 86_400, "seconds");

    public Option<string> MaxFailures { get; } = new("--max-failures") { Description = "Once more than N clusters (or P% of them, e.g. 10%) failed, start no more: running ones are waited for, the rest are NotStarted; exit 1." };

    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Select and preflight only: print the plan (waves, clusters, skips with reasons) in the --output format; send no run request; exit 0." };

    public IEnumerable<Option> All => [NoPreflight, Strict, Canary, WaveSize, Waves, WavePause, MaxFailures, DryRun];

    /// <summary>Sets the rollout on <paramref name="options"/> from the flags; a flag that breaks a rule is the tool's failure, named.</summary>
    public void Apply(ParseResult parse, FleetRunOptions options)
    {
        options.Preflight = !parse.GetValue(NoPreflight);
        options.SkippedIsFailure = parse.GetValue(Strict);
        options.Canary = parse.GetValue(Canary);
        options.WavePause = TimeSpan.FromSeconds(parse.GetValue(WavePause));
        var size = parse.GetValue(WaveSize);
        var waves = parse.GetValue(Waves);
        if (size is not null && waves is not null)
        {
            throw new CliFailure("--wave-size and --waves both divide the clusters into waves: give one of them.");
        }

        options.WaveSize = size;
        if (waves is not null)
        {
            options.Waves = ParseWaves(waves);
        }

        if (parse.GetValue(MaxFailures) is { } budget)
        {
            try
            {
                options.FailureBudget = FleetFailureBudget.Parse(budget);
            }
            catch (ArgumentException)
            {
                throw new CliFailure($"--max-failures '{budget}' is not a failure budget: give a count of 0 or more (2) or a percentage of the clusters from 0% to 100% (10%).");
            }
        }
    }

    private static List<double> ParseWaves(string text)
    {
        var percentages = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var number = part.EndsWith('%') ? part[..^1] : part;
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
            {
                throw new CliFailure($"--waves '{text}': '{part}' is not a percentage; give ascending cumulative percentages ending at 100%, e.g. 10%,30%,100%.");
            }

            percentages.Add(percent);
        }

        if (percentages[^1] != 100 || percentages.Any(p => p is <= 0 or > 100) || percentages.Zip(percentages.Skip(1)).Any(p => p.Second <= p.First))
        {
            throw new CliFailure($"--waves '{text}' must be ascending cumulative percentages, each more than 0%, the last 100%, e.g. 10%,30%,100%.");
        }

        return percentages;
    }

    private static Option<int> Bounded(string name, string description, int min, int max, string unit)
    {
        var option = new Option<int>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < min || r.GetValueOrDefault<int>() > max)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be {min:N0} to {max:N0} {unit}."));
            }
        });
        return option;
    }

    private static Option<int?> BoundedOrNull(string name, string description, int min, int max, string unit)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } value && (value < min || value > max))
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be {min:N0} to {max:N0} {unit}."));
            }
        });
        return option;
    }
}
