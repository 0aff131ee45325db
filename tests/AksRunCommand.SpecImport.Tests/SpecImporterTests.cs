using System.Text.Json.Nodes;
using AksRunCommand.Tests.Shared;

namespace AksRunCommand.SpecImport.Tests;

// Imports of the real upstream files (upstream/, laid out as in Azure/azure-rest-api-specs).
public sealed class SpecImporterTests : IDisposable
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly string Stable = Path.Combine(Root, "tests", "AksRunCommand.SpecImport.Tests", "upstream", "specification", "containerservice", "resource-manager", "Microsoft.ContainerService", "aks", "stable");
    private readonly string _out = Directory.CreateTempSubdirectory("aksrun-import-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Import_2024_02_01_ReproducesTheCheckedInSpec()
    {
        SpecImporter.Import(Path.Combine(Stable, "2024-02-01", "managedClusters.json"), _out);

        var imported = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)));
        var checkedIn = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "spec", SpecImporter.SpecFileName)));
        Assert.True(JsonNode.DeepEquals(checkedIn, imported), "spec/aks-runcommand.json is not what ImportSpec makes from the 2024-02-01 upstream file; run ./build.sh --target=ImportSpec --upstream=<that file>.");
        foreach (var example in Directory.GetFiles(Path.Combine(Root, "spec", "examples")))
        {
            Assert.Equal(File.ReadAllBytes(example), File.ReadAllBytes(Path.Combine(_out, "examples", Path.GetFileName(example))));
        }
    }

    [Fact]
    public void Import_2025_10_01_UsesCommonTypesV6ErrorsAndDeclaresRetryAfter()
    {
        var result = SpecImporter.Import(Path.Combine(Stable, "2025-10-01", "managedClusters.json"), _out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)))!;
        Assert.Equal("2025-10-01", result.ApiVersion);
        Assert.Equal("2025-10-01", (string?)spec["info"]!["version"]);
        Assert.Equal(["CommandResultProperties", "ErrorAdditionalInfo", "ErrorDetail", "ErrorResponse", "RunCommandRequest", "RunCommandResult"], spec["definitions"]!.AsObject().Select(d => d.Key));
        Assert.True((bool)spec["definitions"]!["ErrorDetail"]!["properties"]!["message"]!["x-ms-primary-error-message"]!);
        var runCommand = spec["paths"]!.AsObject().Single(p => p.Key.EndsWith("/runCommand", StringComparison.Ordinal)).Value!["post"]!;
        Assert.NotNull(runCommand["responses"]!["202"]!["headers"]!["Retry-After"]);
        Assert.True((bool)runCommand["x-ms-long-running-operation"]!);
        Assert.Equal("^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$", (string?)runCommand["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "resourceName")!["pattern"]);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_out, "examples")).Length);
    }

    [Theory]
    [InlineData("2024-02-01")]
    [InlineData("2025-10-01")]
    public void Import_EveryRefResolvesInsideTheOutput(string version)
    {
        SpecImporter.Import(Path.Combine(Stable, version, "managedClusters.json"), _out);

        var text = File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName));
        var spec = JsonNode.Parse(text)!;
        var refs = new List<string>();
        Collect(spec, refs);
        Assert.NotEmpty(refs);
        Assert.All(refs, r =>
        {
            if (r.StartsWith("./examples/", StringComparison.Ordinal))
            {
                Assert.True(File.Exists(Path.Combine(_out, r)), r);
            }
            else
            {
                var parts = r.Split('/');
                Assert.NotNull(spec[parts[1]]?[parts[2]]);
            }
        });
        Assert.DoesNotContain("../", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_Twice_GivesIdenticalBytes()
    {
        var second = Directory.CreateTempSubdirectory("aksrun-import-").FullName;
        try
        {
            SpecImporter.Import(Path.Combine(Stable, "2025-10-01", "managedClusters.json"), _out);
            SpecImporter.Import(Path.Combine(Stable, "2025-10-01", "managedClusters.json"), second);

            Assert.Equal(File.ReadAllBytes(Path.Combine(_out, SpecImporter.SpecFileName)), File.ReadAllBytes(Path.Combine(second, SpecImporter.SpecFileName)));
        }
        finally
        {
            Directory.Delete(second, recursive: true);
        }
    }

    [Fact]
    public void Import_WithoutTheCommonTypesBeside_FailsNamingTheMissingFile()
    {
        var lonely = Path.Combine(_out, "lonely");
        Directory.CreateDirectory(lonely);
        File.Copy(Path.Combine(Stable, "2024-02-01", "managedClusters.json"), Path.Combine(lonely, "managedClusters.json"));

        var error = Assert.Throws<SpecImportException>(() => SpecImporter.Import(Path.Combine(lonely, "managedClusters.json"), Path.Combine(_out, "spec")));

        Assert.Contains("types.json is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("laid out like azure-rest-api-specs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_FileWithoutTheOperations_FailsNamingThem()
    {
        var other = Path.Combine(_out, "other.json");
        File.WriteAllText(other, """{"swagger":"2.0","info":{"title":"x","version":"1"},"paths":{}}""");

        var error = Assert.Throws<SpecImportException>(() => SpecImporter.Import(other, Path.Combine(_out, "spec")));

        Assert.Contains("ManagedClusters_RunCommand", error.Message, StringComparison.Ordinal);
    }

    private static void Collect(JsonNode? node, List<string> refs)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (name == "$ref")
                    {
                        refs.Add((string)child!);
                    }
                    else
                    {
                        Collect(child, refs);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, refs);
                }

                break;
        }
    }
}
