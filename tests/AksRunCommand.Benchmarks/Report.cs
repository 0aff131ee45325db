using System.Globalization;

namespace AksRunCommand.Benchmarks;

/// <summary>Collects figures and prints one line each: <c>NAME: VALUE UNIT (ratio X.XX vs BASELINE)</c>.</summary>
public sealed class Report
{
    private readonly List<string> _lines = [];

    public void Line(string name, double value, string unit, double baseline, string baselineName)
    {
        var ratio = baseline == 0 ? (value == 0 ? "1.00" : "inf") : (value / baseline).ToString("0.00", CultureInfo.InvariantCulture);
        _lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {Format(value)} {unit} (ratio {ratio} vs {baselineName})"));
    }

    public void Print()
    {
        foreach (var line in _lines)
        {
            Console.WriteLine(line);
        }
    }

    private static string Format(double value) => Math.Abs(value) >= 100 || value == Math.Floor(value)
        ? value.ToString("0.#", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);
}
