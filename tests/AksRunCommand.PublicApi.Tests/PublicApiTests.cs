using System.Reflection;
using AksRunCommand.Tests.Shared;
using PublicApiGenerator;

namespace AksRunCommand.PublicApi.Tests;

// The whole public surface of each package (generated and hand-written) against its reviewed listing.
public sealed class PublicApiTests
{
    public const string UpdateVariable = "AKSRUN_UPDATE_API";

    [Theory]
    [InlineData("AksRunCommand")]
    [InlineData("AksRunCommand.Testing")]
    public void PublicApi_IsTheReviewedListing(string package)
    {
        var assembly = package == "AksRunCommand" ? typeof(AksRunCommandClient).Assembly : typeof(Testing.FakeAks).Assembly;
        var actual = Listing(assembly);
        var file = Path.Combine(RepositoryRoot.Path, "src", package, "PublicAPI.txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(file, actual); // ./build.sh --target=UpdateApi
        }

        var expected = File.Exists(file) ? File.ReadAllText(file).ReplaceLineEndings("\n") : string.Empty;
        var firstDifference = FirstDifference(expected, actual);
        Assert.True(firstDifference is null, $"The public API of {package} is not src/{package}/PublicAPI.txt ({firstDifference}). If the change is intended, run ./build.sh --target=UpdateApi and commit the listing.");
    }

    private static string Listing(Assembly assembly) =>
        assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n").TrimEnd() + "\n";

    private static string? FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "(end)";
            var right = i < b.Length ? b[i] : "(end)";
            if (left != right)
            {
                return $"line {i + 1}: listing has '{left.Trim()}', the assembly has '{right.Trim()}'";
            }
        }

        return null;
    }
}
