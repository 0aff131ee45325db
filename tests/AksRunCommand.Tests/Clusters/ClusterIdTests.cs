using System.Text.Json;

namespace AksRunCommand.Tests.Clusters;

public sealed class ClusterIdTests
{
    private const string Subscription = "3f2c8d3e-9a2b-4c1d-8e7f-0a1b2c3d4e5f";

    [Fact]
    public void Constructor_ValidParts_BuildsResourceId()
    {
        var sut = new ClusterId(Subscription, "my-rg_(1).x", "aks-01");

        Assert.Equal($"/subscriptions/{Subscription}/resourceGroups/my-rg_(1).x/providers/Microsoft.ContainerService/managedClusters/aks-01", sut.ResourceId);
    }

    [Theory]
    [InlineData("not-a-guid", "rg", "aks", "subscriptionId", "is not a GUID")]
    [InlineData(Subscription, "", "aks", "resourceGroupName", "1 to 90")]
    [InlineData(Subscription, "rg with space", "aks", "resourceGroupName", "pattern")]
    [InlineData(Subscription, "rg/slash", "aks", "resourceGroupName", "pattern")]
    [InlineData(Subscription, "rg", "", "clusterName", "1 to 63")]
    [InlineData(Subscription, "rg", "-starts-with-dash", "clusterName", "starting and ending with a letter or digit")]
    [InlineData(Subscription, "rg", "ends-with-dash-", "clusterName", "pattern")]
    [InlineData(Subscription, "rg", "has.dot", "clusterName", "pattern")]
    public void Constructor_InvalidPart_ThrowsNamingPartAndRule(string subscription, string resourceGroup, string cluster, string part, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => new ClusterId(subscription, resourceGroup, cluster));

        Assert.Equal(part, error.ParamName);
        Assert.Contains(part, error.Message, StringComparison.Ordinal);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_LengthLimits_AreTheSpecs()
    {
        _ = new ClusterId(Subscription, new string('r', 90), new string('c', 63));

        Assert.Throws<ArgumentException>(() => new ClusterId(Subscription, new string('r', 91), "c"));
        Assert.Throws<ArgumentException>(() => new ClusterId(Subscription, "r", new string('c', 64)));
    }

    [Theory]
    [InlineData("/subscriptions/" + Subscription + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1")]
    [InlineData("/SUBSCRIPTIONS/" + Subscription + "/resourcegroups/rg1/providers/microsoft.containerservice/managedclusters/aks1/")]
    public void Parse_ResourceIdInAnyCasing_GivesTheParts(string resourceId)
    {
        var sut = ClusterId.Parse(resourceId);

        Assert.Equal(Guid.Parse(Subscription), sut.SubscriptionId);
        Assert.Equal("rg1", sut.ResourceGroupName);
        Assert.Equal("aks1", sut.ClusterName);
        Assert.Equal(new ClusterId(Subscription, "RG1", "AKS1"), sut);
    }

    [Theory]
    [InlineData("/subscriptions/x/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1")]
    [InlineData("rg1/aks1")]
    public void Parse_NotAClusterId_ThrowsNamingResourceId(string resourceId)
    {
        var error = Assert.Throws<ArgumentException>(() => ClusterId.Parse(resourceId));

        Assert.Equal("resourceId", error.ParamName);
        Assert.False(ClusterId.TryParse(resourceId, out _));
    }

    [Fact]
    public void Patterns_AreThoseOfTheCheckedInSpec()
    {
        // Every pattern the spec declares for the two names, wherever it declares them (shared parameters up to
        // 2024, inline from 2025-10-01 on; common-types v6 declares none for the resource group), is ClusterId's.
        using var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "spec", "aks-runcommand.json")));
        var declared = new List<(string Name, string Pattern)>();
        foreach (var path in spec.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                foreach (var parameter in operation.Value.GetProperty("parameters").EnumerateArray())
                {
                    var resolved = parameter.TryGetProperty("$ref", out var reference)
                        ? spec.RootElement.GetProperty("parameters").GetProperty(reference.GetString()!.Split('/')[^1])
                        : parameter;
                    if (resolved.TryGetProperty("pattern", out var pattern))
                    {
                        declared.Add((resolved.GetProperty("name").GetString()!, pattern.GetString()!));
                    }
                }
            }
        }

        Assert.Contains(declared, d => d.Name == "resourceName"); // every api-version so far declares the cluster name's rule
        Assert.All(declared.Where(d => d.Name == "resourceGroupName"), d => Assert.Equal(ClusterId.ResourceGroupNamePattern, d.Pattern));
        Assert.All(declared.Where(d => d.Name == "resourceName"), d => Assert.Equal(ClusterId.ClusterNamePattern, d.Pattern));
    }

    [Theory]
    [InlineData("rg", "c\n", "clusterName")]
    [InlineData("rg", "c\r\n", "clusterName")]
    [InlineData("rg\n", "c", "resourceGroupName")]
    public void Constructor_TrailingNewline_IsRefused(string resourceGroup, string cluster, string part)
    {
        // '$' in .NET also matches before a final '\n': the spec's patterns are applied anchored with '\z'.
        var error = Assert.Throws<ArgumentException>(() => new ClusterId(Subscription, resourceGroup, cluster));

        Assert.Equal(part, error.ParamName);
    }

    [Fact]
    public void AnchoredPatterns_AreTheSpecPatternsWithDollarAsEndOfString()
    {
        Assert.Equal(ClusterId.ResourceGroupNameAnchoredPattern, ClusterId.ResourceGroupNamePattern.Replace("$", "\\z", StringComparison.Ordinal));
        Assert.Equal(ClusterId.ClusterNameAnchoredPattern, ClusterId.ClusterNamePattern.Replace("$", "\\z", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ResourceIdWithTrailingNewline_IsRefused()
    {
        Assert.False(ClusterId.TryParse("/subscriptions/" + Subscription + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1\n", out _));
    }
}
