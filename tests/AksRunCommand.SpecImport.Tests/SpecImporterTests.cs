using System.Text.Json.Nodes;
using AksRunCommand.Tests.Shared;

namespace AksRunCommand.SpecImport.Tests;

// Imports of the real upstream files (upstream/, laid out as in Azure/azure-rest-api-specs): four api-versions of
// every vintage (hand-written on common-types v3 and v5, a preview, TypeSpec-generated on v6). Each import is
// compared with a pinned expected copy in expected/<version>/, never with spec/, which follows whatever version
// the repository is on. After a reviewed change of the importer, AKSRUN_UPDATE_EXPECTED=1 rewrites the copies.
public sealed class SpecImporterTests : IDisposable
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly string TestData = Path.Combine(Root, "tests", "AksRunCommand.SpecImport.Tests");
    private static readonly string Aks = Path.Combine(TestData, "upstream", "specification", "containerservice", "resource-manager", "Microsoft.ContainerService", "aks");
    private static readonly string Stable = Path.Combine(Aks, "stable");
    private readonly string _out = Directory.CreateTempSubdirectory("aksrun-import-").FullName;

    public static TheoryData<string> Versions => ["stable/2022-09-01", "preview/2024-01-02-preview", "stable/2024-02-01", "stable/2025-10-01"];

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Theory]
    [MemberData(nameof(Versions))]
    public void Import_ReproducesItsPinnedExpectedSpec(string version)
    {
        SpecImporter.Import(Upstream(version), _out);

        var expected = Path.Combine(TestData, "expected", Path.GetFileName(version));
        if (Environment.GetEnvironmentVariable("AKSRUN_UPDATE_EXPECTED") == "1")
        {
            if (Directory.Exists(expected))
            {
                Directory.Delete(expected, recursive: true);
            }

            Directory.CreateDirectory(Path.Combine(expected, "examples"));
            File.Copy(Path.Combine(_out, SpecImporter.SpecFileName), Path.Combine(expected, SpecImporter.SpecFileName));
            foreach (var example in Directory.GetFiles(Path.Combine(_out, "examples")))
            {
                File.Copy(example, Path.Combine(expected, "examples", Path.GetFileName(example)));
            }
        }

        Assert.Equal(File.ReadAllText(Path.Combine(expected, SpecImporter.SpecFileName)), File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)));
        Assert.Equal(
            Directory.GetFiles(Path.Combine(expected, "examples")).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(_out, "examples")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var example in Directory.GetFiles(Path.Combine(expected, "examples")))
        {
            Assert.Equal(File.ReadAllBytes(example), File.ReadAllBytes(Path.Combine(_out, "examples", Path.GetFileName(example))));
        }
    }

    [Fact]
    public void Import_2022_09_01_CommonTypesV3_SubscriptionIdBecomesAGuidAndTheMissingExampleIsDropped()
    {
        var result = SpecImporter.Import(Upstream("stable/2022-09-01"), _out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)))!;
        Assert.Equal("2022-09-01", result.ApiVersion);
        Assert.Equal("uuid", (string?)spec["parameters"]!["SubscriptionIdParameter"]!["format"]);
        Assert.Equal(["CloudError", "CloudErrorBody", "CommandResultProperties", "RunCommandRequest", "RunCommandResult"], spec["definitions"]!.AsObject().Select(d => d.Key));
        var runCommand = spec["paths"]!.AsObject().Single(p => p.Key.EndsWith("/runCommand", StringComparison.Ordinal)).Value!["post"]!.AsObject();
        Assert.False(runCommand.ContainsKey("x-ms-examples")); // upstream names examples/RunCommandRequest.json but does not ship it
        Assert.Equal(["RunCommandResultFailed.json", "RunCommandResultSucceed.json"], Directory.GetFiles(Path.Combine(_out, "examples")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Notes.Count);
        Assert.Contains(result.Notes, n => n.Contains("\"format\": \"uuid\" added", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("'submitNewCommand' of ManagedClusters_RunCommand dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_2024_01_02_Preview_CarriesThePreviewVersionAndChangesNothing()
    {
        var result = SpecImporter.Import(Upstream("preview/2024-01-02-preview"), _out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)))!;
        Assert.Equal("2024-01-02-preview", result.ApiVersion);
        Assert.Equal("2024-01-02-preview", (string?)spec["info"]!["version"]);
        Assert.Empty(result.Notes); // common-types v5: the subscription id already is a uuid, every example ships
        var runCommand = spec["paths"]!.AsObject().Single(p => p.Key.EndsWith("/runCommand", StringComparison.Ordinal)).Value!["post"]!;
        Assert.Equal("location", (string?)runCommand["x-ms-long-running-operation-options"]!["final-state-via"]); // an extension the importer does not act on, kept
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_out, "examples")).Length);
    }

    [Fact]
    public void Import_ExtensionsItDoesNotKnow_AreKeptVerbatim()
    {
        var upstream = CopyUpstream("stable/2024-02-01", "v5", root =>
        {
            var post = Operation(root, "ManagedClusters_RunCommand");
            post["x-ms-made-up-extension"] = JsonNode.Parse("""{"keep":[1,"two",{"three":3}]}""");
            root["definitions"]!["RunCommandRequest"]!["x-ms-another-one"] = "kept";
        });

        SpecImporter.Import(upstream, _out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"keep":[1,"two",{"three":3}]}"""), Operation(spec, "ManagedClusters_RunCommand")["x-ms-made-up-extension"]));
        Assert.Equal("kept", (string?)spec["definitions"]!["RunCommandRequest"]!["x-ms-another-one"]);
    }

    [Fact]
    public void Import_ParametersDefinedLocally_NeedNoCommonTypes()
    {
        var upstream = CopyUpstream("stable/2024-02-01", commonTypes: null, root =>
        {
            // Every common-types parameter of the two operations, defined in the file itself (as some hand-written versions do).
            var v5 = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData, "upstream", "specification", "common-types", "resource-management", "v5", "types.json")))!;
            foreach (var operation in new[] { Operation(root, "ManagedClusters_RunCommand"), Operation(root, "ManagedClusters_GetCommandResult") })
            {
                foreach (var parameter in operation["parameters"]!.AsArray())
                {
                    if ((string?)parameter!["$ref"] is { } reference && reference.Contains("common-types", StringComparison.Ordinal))
                    {
                        var name = reference.Split('/')[^1];
                        root["parameters"]![name] = v5["parameters"]![name]!.DeepClone();
                        parameter["$ref"] = "#/parameters/" + name;
                    }
                }
            }
        });

        var result = SpecImporter.Import(upstream, _out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)))!;
        Assert.Equal("2024-02-01", result.ApiVersion);
        Assert.Equal(["ApiVersionParameter", "ResourceGroupNameParameter", "ResourceNameParameter", "SubscriptionIdParameter"], spec["parameters"]!.AsObject().Select(p => p.Key));
        Assert.Equal("uuid", (string?)spec["parameters"]!["SubscriptionIdParameter"]!["format"]);
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
    [MemberData(nameof(Versions))]
    public void Import_EveryRefResolvesInsideTheOutput(string version)
    {
        SpecImporter.Import(Upstream(version), _out);

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

    private static string Upstream(string version) => Path.Combine(Aks, version, "managedClusters.json");

    private static JsonObject Operation(JsonNode root, string operationId) =>
        root["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()).Single(o => (string?)o.Value!["operationId"] == operationId).Value!.AsObject();

    // A changed copy of an upstream version in a temporary layout like upstream's, with the given common-types beside it.
    private string CopyUpstream(string version, string? commonTypes, Action<JsonNode> change)
    {
        var layout = Path.Combine(_out, "layout", "specification");
        var folder = Path.Combine(layout, "containerservice", "resource-manager", "Microsoft.ContainerService", "aks", version);
        Directory.CreateDirectory(Path.Combine(folder, "examples"));
        foreach (var example in Directory.GetFiles(Path.Combine(Aks, version, "examples")))
        {
            File.Copy(example, Path.Combine(folder, "examples", Path.GetFileName(example)));
        }

        if (commonTypes is not null)
        {
            var types = Path.Combine(layout, "common-types", "resource-management", commonTypes);
            Directory.CreateDirectory(types);
            File.Copy(Path.Combine(TestData, "upstream", "specification", "common-types", "resource-management", commonTypes, "types.json"), Path.Combine(types, "types.json"));
        }

        var root = JsonNode.Parse(File.ReadAllText(Upstream(version)))!;
        change(root);
        var file = Path.Combine(folder, "managedClusters.json");
        File.WriteAllText(file, root.ToJsonString());
        return file;
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
