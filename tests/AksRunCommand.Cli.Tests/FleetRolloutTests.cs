using System.Text;
using AksRunCommand.Cli.Fleet;
using AksRunCommand.Testing;
using CsCheck;
using Xunit.Abstractions;

namespace AksRunCommand.Cli.Tests;

// aks-run fleet's rollout flags: each bad value refused with the flag and the rule before anything is read or sent,
// --strict's exit status, and the Markdown report a CI job summary gets.
public sealed class FleetRolloutTests(ITestOutputHelper output) : IDisposable
{
    private const string Subscription = "dddddddd-4444-4000-8000-000000000004";
    private readonly CliDriver _cli = new(requireToken: false);

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("--wave-size and --waves both divide the clusters into waves: give one of them.", "--wave-size", "2", "--waves", "50%,100%")]
    [InlineData("--waves '50%,30%,100%' must be ascending cumulative percentages, each more than 0%, the last 100%, e.g. 10%,30%,100%.", "--waves", "50%,30%,100%")]
    [InlineData("--waves '10%,90%' must be ascending cumulative percentages, each more than 0%, the last 100%, e.g. 10%,30%,100%.", "--waves", "10%,90%")]
    [InlineData("--waves 'ten%,100%': 'ten%' is not a percentage; give ascending cumulative percentages ending at 100%, e.g. 10%,30%,100%.", "--waves", "ten%,100%")]
    [InlineData("--max-failures '-1' is not a failure budget: give a count of 0 or more (2) or a percentage of the clusters from 0% to 100% (10%).", "--max-failures", "-1")]
    [InlineData("--max-failures '150%' is not a failure budget: give a count of 0 or more (2) or a percentage of the clusters from 0% to 100% (10%).", "--max-failures", "150%")]
    [InlineData("--canary must be 0 to 1,000 clusters.", "--canary", "1001")]
    [InlineData("--wave-size must be 1 to 100,000 clusters.", "--wave-size", "0")]
    [InlineData("--wave-pause must be 0 to 86,400 seconds.", "--wave-pause", "-5")]
    public async Task BadRolloutFlag_Exits255NamingTheFlagAndTheRule_BeforeAnyRequest(string message, params string[] flags)
    {
        var run = await _cli.RunAsync(["fleet", "-c", "echo hi", "--cluster", Id("aks-a").ResourceId, "--endpoint", _cli.Fake.Endpoint.ToString(), .. flags]);

        Assert.Equal(255, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(_cli.Fake.ClusterReads);
        Assert.Empty(_cli.Fake.Runs);
    }

    [Theory]
    [InlineData(false, 0, "aks-run: 2 cluster(s): 1 Succeeded, 1 Skipped.")]
    [InlineData(true, 1, "aks-run: --strict: the 1 skipped cluster(s) count as failures.")]
    public async Task StoppedCluster_IsSkipped_AndFailsTheRunOnlyUnderStrict(bool strict, int exitCode, string summary)
    {
        _cli.Fake.Cluster(Id("aks-stopped")).Stopped();
        string[] flags = strict ? ["--strict"] : [];

        var run = await _cli.RunAsync(["fleet", "-c", "echo hi", "--cluster", Id("aks-stopped").ResourceId, "--cluster", Id("aks-up").ResourceId, "--endpoint", _cli.Fake.Endpoint.ToString(), .. flags]);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal(Id("aks-up"), Assert.Single(_cli.Fake.Runs).Cluster);
        Assert.Equal(summary, run.StderrLines[^1]);
    }

    [Fact]
    public async Task MarkdownReport_StopLineWaveCountsAndFailuresFirst_EveryCellEscaped()
    {
        _cli.Fake.Cluster(Id("aks-1")).When("deploy").RunningFor(0).ExitsWith(1, "error: | <b>pipe</b>\nsecond line\n");
        string[] clusters = [.. Enumerable.Range(0, 4).SelectMany(i => new[] { "--cluster", Id($"aks-{i}").ResourceId })];

        var run = await _cli.RunAsync(["fleet", "-c", "deploy", .. clusters, "--endpoint", _cli.Fake.Endpoint.ToString(), "--wave-size", "2", "--max-failures", "0", "-o", "markdown"]);

        output.WriteLine(run.Stdout);
        Assert.Equal(1, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("### aks-run fleet: 4 cluster(s): 1 Succeeded, 1 NonZeroExit, 2 NotStarted", lines[0]);
        Assert.Equal("**The rollout stopped:** the failure budget was exceeded: 1 cluster(s) failed, 0 allowed. Nothing more was started.", lines[1]);
        var rows = lines.SkipWhile(l => !l.StartsWith("| Cluster ", StringComparison.Ordinal)).Skip(2).ToList();
        Assert.Equal(["aks-1", "aks-2", "aks-3", "aks-0"], rows.Select(r => r.Split(" | ")[0].TrimStart('|', ' ')));
        Assert.Contains(@"| error: \| &lt;b&gt;pipe&lt;/b&gt; |", rows[0], StringComparison.Ordinal); // the first line of the output
        Assert.All(rows, r => Assert.Equal(9, r.Split(" | ").Length + 1)); // 8 cells: no pipe of the text ended one
        Assert.Contains("| 1 | 2 | 1 Succeeded, 1 NonZeroExit |", run.Stdout, StringComparison.Ordinal);
    }

    // Whatever the text (pipes, backslashes, markup, HTML, line breaks, whitespace): its cell is one line, ends no cell
    // early, and reads back (undoing the escapes) as the text on one line.
    [Fact]
    public void MarkdownCell_AnyText_OneLineThatReadsBackAsTheText()
    {
        var chars = Gen.OneOf(Gen.Char["|\\`*_[]<>&\r\n\t -"], Gen.Char.AlphaNumeric, Gen.Char);
        chars.Array[0, 40].Select(a => new string(a)).Sample(
            text =>
            {
                var cell = Tables.Cell(text);

                Assert.DoesNotContain('\n', cell);
                Assert.DoesNotContain('\r', cell);
                Assert.DoesNotContain('<', cell);
                Assert.DoesNotContain('>', cell);
                var expected = string.IsNullOrWhiteSpace(text) ? "-" : string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
                Assert.Equal(expected, ReadBack(cell));
            },
            writeLine: output.WriteLine,
            iter: 20_000,
            print: t => System.Text.Json.JsonSerializer.Serialize(t));
    }

    // A Markdown reader's view of a cell: a backslash escapes the character after it (an unescaped pipe would end the
    // cell: none may be left), entities are the characters they name.
    private static string ReadBack(string cell)
    {
        var text = new StringBuilder();
        for (var i = 0; i < cell.Length; i++)
        {
            if (cell[i] == '\\' && i + 1 < cell.Length)
            {
                text.Append(cell[++i]);
            }
            else if (cell[i] == '|')
            {
                Assert.Fail($"an unescaped pipe at {i} ends the cell: {cell}");
            }
            else if (cell[i] == '&')
            {
                var entity = cell[i..].StartsWith("&lt;", StringComparison.Ordinal) ? ("&lt;", '<') : cell[i..].StartsWith("&gt;", StringComparison.Ordinal) ? ("&gt;", '>') : cell[i..].StartsWith("&amp;", StringComparison.Ordinal) ? ("&amp;", '&') : throw new Xunit.Sdk.XunitException($"a bare ampersand at {i}: {cell}");
                text.Append(entity.Item2);
                i += entity.Item1.Length - 1;
            }
            else
            {
                text.Append(cell[i]);
            }
        }

        return text.ToString();
    }

    private static ClusterId Id(string name) => new(Subscription, "rg", name);
}
