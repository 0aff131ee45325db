using System.Text.RegularExpressions;
using AksRunCommand.Tests.Shared;

namespace AksRunCommand.Tests.Snippets;

public sealed partial class ReadmeSnippetsTests
{
    [Theory]
    [InlineData("GettingStarted")]
    [InlineData("AttachFiles")]
    [InlineData("StartAndResume")]
    [InlineData("Options")]
    [InlineData("Fleet")]
    [InlineData("SelectClusters")]
    [InlineData("TestingYourCode", "TestingSnippets.cs")]
    public void Readme_HoldsTheCompiledSnippetVerbatim(string name, string file = "ReadmeSnippets.cs")
    {
        var root = RepositoryRoot.Path;
        var source = File.ReadAllText(Path.Combine(root, "tests", "AksRunCommand.Tests", "Snippets", file));
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));

        var snippet = Unindent(Regex.Match(source, $@"#region Snippet:{name}\r?\n(?<code>.*?)\r?\n\s*#endregion", RegexOptions.Singleline).Groups["code"].Value);

        Assert.NotEmpty(snippet);
        Assert.Contains($"```csharp\n{snippet}\n```", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static string Unindent(string code)
    {
        var lines = code.ReplaceLineEndings("\n").Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }
}
