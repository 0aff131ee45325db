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
        Assert.Superset(new HashSet<string> { "CloudError", "CloudErrorBody", "CommandResultProperties", "RunCommandRequest", "RunCommandResult", "ManagedCluster", "ManagedClusterListResult" }, spec["definitions"]!.AsObject().Select(d => d.Key).ToHashSet());
        var runCommand = spec["paths"]!.AsObject().Single(p => p.Key.EndsWith("/runCommand", StringComparison.Ordinal)).Value!["post"]!.AsObject();
        Assert.False(runCommand.ContainsKey("x-ms-examples")); // upstream names examples/RunCommandRequest.json but does not ship it
        Assert.Equal(["RunCommandResultFailed.json", "RunCommandResultSucceed.json"], Directory.GetFiles(Path.Combine(_out, "examples")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("\"format\": \"uuid\" added", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("'submitNewCommand' of ManagedClusters_RunCommand dropped", StringComparison.Ordinal));
        Assert.Contains("ManagedClusters_RunCommand has no example: the upstream file ships none and spec/ held none to keep.", result.Notes); // a first import: nothing to keep
        // The cluster examples are named upstream but not stored here: dropped and noted the same way.
        Assert.Equal(9, result.Notes.Count);
        Assert.Contains(result.Notes, n => n.Contains("'Get Managed Cluster' of ManagedClusters_Get dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_2024_01_02_Preview_CarriesThePreviewVersionAndChangesNothing()
    {
        var result = SpecImporter.Import(Upstream("preview/2024-01-02-preview"), _out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)))!;
        Assert.Equal("2024-01-02-preview", result.ApiVersion);
        Assert.Equal("2024-01-02-preview", (string?)spec["info"]!["version"]);
        // common-types v5: the subscription id already is a uuid; every run-command example ships. The notes are only
        // about the cluster reads' examples, which upstream names and this repository does not store for this version.
        Assert.Equal(6, result.Notes.Count);
        Assert.All(result.Notes, n => Assert.Matches("ManagedClusters_(Get|List|ListByResourceGroup)\\b", n));
        var runCommand = spec["paths"]!.AsObject().Single(p => p.Key.EndsWith("/runCommand", StringComparison.Ordinal)).Value!["post"]!;
        Assert.Equal("location", (string?)runCommand["x-ms-long-running-operation-options"]!["final-state-via"]); // an extension the importer does not act on, kept
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_out, "examples")).Length);
    }

    [Fact]
    public void Import_ExtensionsItDoesNotKnow_AreKeptVerbatim()
    {
        var upstream = CopyUpstream("stable/2024-02-01", withCommonTypes: true, root =>
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
    public void Import_ParametersDefinedLocally_NeedNoCommonTypesParameters()
    {
        var upstream = CopyUpstream("stable/2024-02-01", withCommonTypes: true, root =>
        {
            // Every common-types parameter of the operations, defined in the file itself (as some hand-written versions do).
            var v5 = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData, "upstream", "specification", "common-types", "resource-management", "v5", "types.json")))!;
            foreach (var operation in root["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()).Select(o => o.Value!.AsObject()).Where(o => o["parameters"] is not null))
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

        // The cluster model still reaches common-types definitions; their parameters are gone, so any $ref left to one fails.
        foreach (var types in Directory.GetFiles(Path.Combine(_out, "layout", "specification", "common-types"), "*.json", SearchOption.AllDirectories))
        {
            var document = JsonNode.Parse(File.ReadAllText(types))!.AsObject();
            document.Remove("parameters");
            File.WriteAllText(types, document.ToJsonString());
        }

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
        Assert.Superset(new HashSet<string> { "CommandResultProperties", "ErrorAdditionalInfo", "ErrorDetail", "ErrorResponse", "RunCommandRequest", "RunCommandResult", "ManagedCluster", "ManagedClusterListResult" }, spec["definitions"]!.AsObject().Select(d => d.Key).ToHashSet());
        Assert.DoesNotContain("CloudError", spec["definitions"]!.AsObject().Select(d => d.Key)); // the cluster reads use ErrorResponse too
        Assert.True((bool)spec["definitions"]!["ErrorDetail"]!["properties"]!["message"]!["x-ms-primary-error-message"]!);
        var runCommand = spec["paths"]!.AsObject().Single(p => p.Key.EndsWith("/runCommand", StringComparison.Ordinal)).Value!["post"]!;
        Assert.NotNull(runCommand["responses"]!["202"]!["headers"]!["Retry-After"]);
        Assert.True((bool)runCommand["x-ms-long-running-operation"]!);
        Assert.Equal("^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$", (string?)runCommand["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "resourceName")!["pattern"]);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(_out, "examples")).Length); // three run-command, three cluster-read examples
    }

    // The fleet rollout selects clusters through these reads and reads id, location, tags, provisioning and power
    // state, disableRunCommand and the AAD profile: each version's spec must take the reads with the full model.
    [Theory]
    [MemberData(nameof(Versions))]
    public void Import_ClusterReads_ComeWithTheFullManagedClusterModel(string version)
    {
        SpecImporter.Import(Upstream(version), _out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)))!;
        var upstream = JsonNode.Parse(File.ReadAllText(Upstream(version)))!;
        Assert.Equal("/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/managedClusters", PathOf(spec, "ManagedClusters_List"));
        Assert.Equal("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters", PathOf(spec, "ManagedClusters_ListByResourceGroup"));
        Assert.Equal("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/{resourceName}", PathOf(spec, "ManagedClusters_Get"));
        Assert.Equal("nextLink", (string?)Operation(spec, "ManagedClusters_List")["x-ms-pageable"]!["nextLinkName"]); // kept: Kiota ignores it, callers follow nextLink
        Assert.Equal("#/definitions/ManagedCluster", (string?)Operation(spec, "ManagedClusters_Get")["responses"]!["200"]!["schema"]!["$ref"]);
        Assert.Equal("#/definitions/ManagedClusterListResult", (string?)Operation(spec, "ManagedClusters_List")["responses"]!["200"]!["schema"]!["$ref"]);
        var definitions = spec["definitions"]!;
        Assert.Equal("#/definitions/TrackedResource", (string?)definitions["ManagedCluster"]!["allOf"]![0]!["$ref"]); // id, name, type, location, tags
        Assert.NotNull(definitions["TrackedResource"]!["properties"]!["tags"]);
        var properties = definitions["ManagedClusterProperties"]!["properties"]!;
        Assert.Equal("#/definitions/PowerState", (string?)properties["powerState"]!["$ref"]);
        Assert.NotNull(definitions["PowerState"]!["properties"]!["code"]);
        Assert.NotNull(properties["provisioningState"]);
        Assert.Equal("boolean", (string?)definitions["ManagedClusterAPIServerAccessProfile"]!["properties"]!["disableRunCommand"]!["type"]);
        Assert.Equal("#/definitions/ManagedClusterAADProfile", (string?)properties["aadProfile"]!["$ref"]);
        // Faithful: every property upstream gives the cluster's properties is there, none cut.
        Assert.Equal(upstream["definitions"]!["ManagedClusterProperties"]!["properties"]!.AsObject().Select(p => p.Key), properties.AsObject().Select(p => p.Key));
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
    public void Import_UpstreamWithoutExamples_KeepsThePreviousExamplesWithOnlyTheirApiVersionChanged()
    {
        SpecImporter.Import(Upstream("stable/2024-02-01"), _out);
        var before = Directory.GetFiles(Path.Combine(_out, "examples")).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        var result = SpecImporter.Import(ExampleLessUpstream(), _out);

        Assert.Equal("2026-01-01", result.ApiVersion);
        Assert.Equal(0, result.Examples);
        Assert.Equal(
            ["ManagedClustersGet.json", "ManagedClustersList.json", "ManagedClustersListByResourceGroup.json", "RunCommandRequest.json", "RunCommandResultFailed.json", "RunCommandResultSucceed.json"],
            result.Kept.Select(k => k.FileName).Order(StringComparer.Ordinal));
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(Path.Combine(_out, "examples")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (name, text) in before)
        {
            // The parameter and the Location's query, nothing else.
            var expected = text.Replace("\"api-version\": \"2024-02-01\"", "\"api-version\": \"2026-01-01\"", StringComparison.Ordinal)
                .Replace("?api-version=2024-02-01\"", "?api-version=2026-01-01\"", StringComparison.Ordinal);
            Assert.NotEqual(text, expected);
            Assert.Equal(expected, File.ReadAllText(Path.Combine(_out, "examples", name)));
        }
    }

    [Fact]
    public void Import_UpstreamWithoutExamples_TheSpecStillNamesTheKeptExamplesOfEachOperation()
    {
        SpecImporter.Import(Upstream("stable/2024-02-01"), _out);

        SpecImporter.Import(ExampleLessUpstream(), _out);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SpecImporter.SpecFileName)))!;
        Assert.Equal("./examples/RunCommandRequest.json", (string?)Operation(spec, "ManagedClusters_RunCommand")["x-ms-examples"]!["submitNewCommand"]!["$ref"]);
        Assert.Equal(
            ["commandFailedResult:./examples/RunCommandResultFailed.json", "commandSucceedResult:./examples/RunCommandResultSucceed.json"],
            Operation(spec, "ManagedClusters_GetCommandResult")["x-ms-examples"]!.AsObject().Select(e => e.Key + ":" + (string?)e.Value!["$ref"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Import_UpstreamWithoutExamples_RecordsWhereEachKeptExampleCameFromAndWhy()
    {
        SpecImporter.Import(Upstream("stable/2024-02-01"), _out);

        var result = SpecImporter.Import(ExampleLessUpstream(), _out);

        var readme = File.ReadAllText(Path.Combine(_out, "README.md"));
        Assert.Contains("Examples kept from the previous spec/, because the upstream file ships no example for their operation (only their api-version was changed, to 2026-01-01):", readme, StringComparison.Ordinal);
        Assert.Contains("| `examples/RunCommandRequest.json` | `ManagedClusters_RunCommand` | `specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2024-02-01/examples/RunCommandRequest.json` | 2024-02-01 |", readme, StringComparison.Ordinal);
        var kept = Assert.Single(result.Kept, k => k.FileName == "RunCommandResultSucceed.json");
        Assert.Equal(("ManagedClusters_GetCommandResult", "commandSucceedResult", "2024-02-01"), (kept.OperationId, kept.Title, kept.OriginApiVersion));
        Assert.Equal("specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2024-02-01/examples/RunCommandResultSucceed.json", kept.Origin);
    }

    [Fact]
    public void Import_UpstreamWithoutExamplesTwice_KeepsTheFirstOrigin()
    {
        var exampleLess = ExampleLessUpstream();
        SpecImporter.Import(Upstream("stable/2024-02-01"), _out);
        SpecImporter.Import(exampleLess, _out);

        var again = SpecImporter.Import(exampleLess, _out);

        Assert.All(again.Kept, k => Assert.Equal("2024-02-01", k.OriginApiVersion));
        Assert.All(again.Kept, k => Assert.Contains("/stable/2024-02-01/examples/", k.Origin, StringComparison.Ordinal));
        Assert.DoesNotContain("2024-02-01", File.ReadAllText(Path.Combine(_out, "examples", "RunCommandRequest.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Import_UpstreamShipsExamples_ThePreviousOnesAreReplacedNotKept()
    {
        SpecImporter.Import(Upstream("stable/2024-02-01"), _out);

        var result = SpecImporter.Import(Upstream("stable/2025-10-01"), _out);

        Assert.Empty(result.Kept);
        foreach (var example in Directory.GetFiles(Path.Combine(Aks, "stable", "2025-10-01", "examples")))
        {
            Assert.Equal(File.ReadAllBytes(example), File.ReadAllBytes(Path.Combine(_out, "examples", Path.GetFileName(example))));
        }

        Assert.DoesNotContain("Examples kept from the previous spec/", File.ReadAllText(Path.Combine(_out, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Import_FirstImportWithoutExamples_NamesEachOperationLeftWithoutOne()
    {
        var result = SpecImporter.Import(ExampleLessUpstream(), _out);

        Assert.Empty(result.Kept);
        Assert.Empty(Directory.GetFiles(Path.Combine(_out, "examples")));
        Assert.Contains("ManagedClusters_RunCommand has no example: the upstream file ships none and spec/ held none to keep.", result.Notes);
        Assert.Contains("ManagedClusters_GetCommandResult has no example: the upstream file ships none and spec/ held none to keep.", result.Notes);
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

    private static string PathOf(JsonNode root, string operationId) =>
        root["paths"]!.AsObject().Single(p => p.Value!.AsObject().Any(o => (string?)o.Value!["operationId"] == operationId)).Key;

    private static JsonObject Operation(JsonNode root, string operationId) =>
        root["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()).Single(o => (string?)o.Value!["operationId"] == operationId).Value!.AsObject();

    // A changed copy of an upstream version in a temporary layout like upstream's, with the stored common-types beside it;
    // under another api-version folder (asVersion) and without its examples folder when asked.
    private string CopyUpstream(string version, bool withCommonTypes, Action<JsonNode> change, string? asVersion = null, bool withExamples = true)
    {
        var layout = Path.Combine(_out, "layout", "specification");
        var folder = Path.Combine(layout, "containerservice", "resource-manager", "Microsoft.ContainerService", "aks", Path.GetDirectoryName(version)!, asVersion ?? Path.GetFileName(version));
        Directory.CreateDirectory(folder);
        if (withExamples)
        {
            Directory.CreateDirectory(Path.Combine(folder, "examples"));
            foreach (var example in Directory.GetFiles(Path.Combine(Aks, version, "examples")))
            {
                File.Copy(example, Path.Combine(folder, "examples", Path.GetFileName(example)));
            }
        }

        if (withCommonTypes)
        {
            var stored = Path.Combine(TestData, "upstream", "specification", "common-types");
            foreach (var file in Directory.GetFiles(stored, "*.json", SearchOption.AllDirectories))
            {
                var target = Path.Combine(layout, "common-types", Path.GetRelativePath(stored, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        var root = JsonNode.Parse(File.ReadAllText(Upstream(version)))!;
        change(root);
        var path = Path.Combine(folder, "managedClusters.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    // What issue 25 met: a TypeSpec-era file of a newer stable version that ships no x-ms-examples at all (the
    // stored 2025-10-01 under the name 2026-01-01, every x-ms-examples removed, no examples folder).
    private string ExampleLessUpstream() =>
        CopyUpstream("stable/2025-10-01", withCommonTypes: true, root =>
        {
            root["info"]!["version"] = "2026-01-01";
            StripExamples(root);
        }, asVersion: "2026-01-01", withExamples: false);

    private static void StripExamples(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("x-ms-examples");
                foreach (var (_, child) in obj)
                {
                    StripExamples(child);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    StripExamples(item);
                }

                break;
        }
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
