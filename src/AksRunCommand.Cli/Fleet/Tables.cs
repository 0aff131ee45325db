using System.Text;

namespace AksRunCommand.Cli.Fleet;

/// <summary>The two table forms fleet output prints: aligned text columns (the last one free) and GitHub-flavoured Markdown.</summary>
internal static class Tables
{
    public static void Text(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Count - 1).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Count - 1; i++)
            {
                line.Append(row[i].PadRight(widths[i] + 2));
            }

            output.WriteLine(line.Append(row[^1]).ToString().TrimEnd());
        }
    }

    /// <summary>A Markdown table; <paramref name="rightAligned"/> columns are numbers. Every cell is escaped (<see cref="Cell"/>).</summary>
    public static void Markdown(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, params int[] rightAligned)
    {
        output.WriteLine("| " + string.Join(" | ", header.Select(Cell)) + " |");
        output.WriteLine("|" + string.Join("|", header.Select((_, i) => rightAligned.Contains(i) ? "---:" : "---")) + "|");
        foreach (var row in rows)
        {
            output.WriteLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
        }
    }

    /// <summary>
    /// Text as one Markdown table cell that renders as the text: on one line, with the characters that would end the
    /// cell, start markup or HTML (a pipe, a backslash, a backtick, an asterisk, an underscore, angle brackets, an
    /// ampersand) escaped; empty as a dash.
    /// </summary>
    public static string Cell(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "-";
        }

        var cell = new StringBuilder(text.Length);
        foreach (var c in string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)))
        {
            cell.Append(c switch
            {
                '|' or '\\' or '`' or '*' or '_' or '[' or ']' => "\\" + c,
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                _ => c.ToString(),
            });
        }

        return cell.ToString().Trim();
    }
}
