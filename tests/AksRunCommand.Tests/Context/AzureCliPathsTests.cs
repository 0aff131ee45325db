using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Testing;

namespace AksRunCommand.Tests.Context;

// `az aks command invoke --file` semantics, which aks-run -f follows.
public sealed class AzureCliPathsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Dot_AttachesTheWorkingFolderRecursively()
    {
        _temp.Write("ns.yaml", "a");
        _temp.Write("charts/demo/Chart.yaml", "b");

        var context = CommandContextBuilder.FromCliPaths(["."], _temp.Path).Build();

        Assert.Equal(["charts/demo/Chart.yaml", "ns.yaml"], context.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Files_AreAttachedFlatUnderTheirOwnName()
    {
        _temp.Write("manifests/deep/ns.yaml", "a");
        _temp.Write("other/values.yaml", "b");

        var context = CommandContextBuilder.FromCliPaths(["manifests/deep/ns.yaml", "other/values.yaml"], _temp.Path).Build();

        Assert.Equal(["ns.yaml", "values.yaml"], context.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Folder_IsAttachedRecursivelyUnderItsOwnName()
    {
        _temp.Write("chart/Chart.yaml", "a");
        _temp.Write("chart/templates/x.yaml", "b");

        var context = CommandContextBuilder.FromCliPaths(["chart/"], _temp.Path).Build();

        Assert.Equal(["chart/Chart.yaml", "chart/templates/x.yaml"], context.Entries.Select(e => e.Name));
    }

    [Fact]
    public void DotMixedWithOtherPaths_Throws()
    {
        _temp.Write("ns.yaml", "a");

        var error = Assert.Throws<ArgumentException>(() => CommandContextBuilder.FromCliPaths([".", "ns.yaml"], _temp.Path));

        Assert.Contains("cannot be combined", error.Message, StringComparison.Ordinal);
        Assert.Contains("ns.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoFilesWithTheSameName_Throw()
    {
        _temp.Write("a/ns.yaml", "a");
        _temp.Write("b/ns.yaml", "b");

        var error = Assert.Throws<ArgumentException>(() => CommandContextBuilder.FromCliPaths(["a/ns.yaml", "b/ns.yaml"], _temp.Path));

        Assert.Contains("'ns.yaml' is added twice", error.Message, StringComparison.Ordinal);
    }
}
