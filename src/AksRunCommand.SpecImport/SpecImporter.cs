using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AksRunCommand.SpecImport;

/// <summary>
/// Cuts the runCommand and commandResults operations, and the managedClusters reads a fleet rollout selects clusters
/// with (get, list by subscription, list by resource group), out of an upstream managedClusters.json, with every
/// parameter and schema they reach (relative $refs into common-types resolved and copied in), their examples,
/// and the extensions the generator and the facade use. The output is self-contained Swagger 2.0.
/// </summary>
internal static class SpecImporter
{
    public const string SpecFileName = "aks-runcommand.json";
    private static readonly string[] Operations =
    [
        "ManagedClusters_RunCommand", "ManagedClusters_GetCommandResult",
        "ManagedClusters_Get", "ManagedClusters_List", "ManagedClusters_ListByResourceGroup",
    ];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ImportResult Import(string upstreamPath, string specDirectory)
    {
        var upstream = Path.GetFullPath(upstreamPath);
        var bytes = File.ReadAllBytes(upstream);
        var root = JsonNode.Parse(bytes)?.AsObject() ?? throw new SpecImportException($"{upstream} is not a JSON object.");
        var resolver = new RefResolver(upstream, root);

        var paths = new JsonObject();
        foreach (var (path, item) in root["paths"]?.AsObject() ?? throw new SpecImportException("no 'paths'"))
        {
            var kept = new JsonObject();
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation is JsonObject op && Operations.Contains((string?)op["operationId"]))
                {
                    kept[method] = resolver.Resolve(op.DeepClone(), upstream, root);
                }
            }

            if (kept.Count > 0)
            {
                paths[path] = kept;
            }
        }

        var found = paths.SelectMany(p => p.Value!.AsObject().Select(o => (string?)o.Value!["operationId"])).ToList();
        foreach (var operation in Operations.Where(o => !found.Contains(o)))
        {
            throw new SpecImportException($"operation {operation} is not in {upstream}.");
        }

        MarkPrimaryErrorMessage(paths, resolver);
        NormalizeSubscriptionId(paths, resolver);
        var version = (string?)root["info"]?["version"] ?? throw new SpecImportException("no info.version");
        var keptExamples = KeepPreviousExamples(paths, PreviousSpec.Read(specDirectory), version, resolver);
        var spec = new JsonObject
        {
            ["swagger"] = root["swagger"]?.DeepClone() ?? "2.0",
            ["info"] = new JsonObject
            {
                ["title"] = $"{(string?)root["info"]?["title"]} (runCommand and managedClusters read subset)",
                ["description"] = "The run command operations of the Container Service Client (Microsoft.ContainerService managedClusters) and the managedClusters get and list operations, cut from the upstream Azure REST API specification. See spec/README.md for provenance.",
                ["version"] = version,
            },
            ["host"] = root["host"]?.DeepClone(),
            ["schemes"] = root["schemes"]?.DeepClone(),
            ["consumes"] = root["consumes"]?.DeepClone(),
            ["produces"] = root["produces"]?.DeepClone(),
            ["security"] = root["security"]?.DeepClone(),
            ["securityDefinitions"] = root["securityDefinitions"]?.DeepClone(),
            ["paths"] = paths,
            ["definitions"] = Sorted(resolver.Definitions),
            ["parameters"] = Sorted(resolver.Parameters),
        };

        Directory.CreateDirectory(specDirectory);
        File.WriteAllText(Path.Combine(specDirectory, SpecFileName), spec.ToJsonString(Indented) + "\n");
        var examples = Path.Combine(specDirectory, "examples");
        if (Directory.Exists(examples))
        {
            Directory.Delete(examples, recursive: true);
        }

        Directory.CreateDirectory(examples);
        foreach (var example in resolver.Examples.Order(StringComparer.Ordinal))
        {
            File.Copy(example, Path.Combine(examples, Path.GetFileName(example)));
        }

        foreach (var example in keptExamples)
        {
            var file = Path.Combine(examples, example.FileName);
            if (File.Exists(file))
            {
                throw new SpecImportException($"examples/{example.FileName} of {example.OperationId} would be kept from the previous spec/, but the upstream file ships another example of that name.");
            }

            File.WriteAllText(file, example.Content);
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var read = resolver.Documents.Concat(resolver.Examples).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(f => (Relative(f), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))))
            .ToList();
        UpdateReadme(Path.Combine(specDirectory, "README.md"), Relative(upstream), version, sha, read, resolver.Notes, keptExamples);
        return new ImportResult(version, sha, resolver.Definitions.Count, resolver.Parameters.Count, resolver.Examples.Count, resolver.Notes, keptExamples);
    }

    // TypeSpec-era upstream files can arrive without x-ms-examples (the examples live in a folder not always
    // published). An operation the new file gives no example keeps the one spec/ had, with the new api-version:
    // the contract suite needs one, and the run-command operations rarely change between versions.
    private static List<KeptExample> KeepPreviousExamples(JsonObject paths, PreviousSpec previous, string version, RefResolver resolver)
    {
        var kept = new List<KeptExample>();
        foreach (var operation in paths.SelectMany(p => p.Value!.AsObject()).Select(o => o.Value!.AsObject()))
        {
            if (operation["x-ms-examples"] is not null)
            {
                continue;
            }

            var operationId = (string)operation["operationId"]!;
            var carried = previous.Keep(operationId, version).ToList();
            if (carried.Count == 0)
            {
                resolver.Notes.Add($"{operationId} has no example: the upstream file ships none and spec/ held none to keep.");
                continue;
            }

            var examples = new JsonObject();
            foreach (var example in carried)
            {
                examples[example.Title] = new JsonObject { ["$ref"] = "./examples/" + example.FileName };
            }

            operation["x-ms-examples"] = examples;
            kept.AddRange(carried);
        }

        return kept;
    }

    // Kiota makes the generated error exception's Message the ARM message only when the schema says which property it is.
    private static void MarkPrimaryErrorMessage(JsonObject paths, RefResolver resolver)
    {
        var errorSchemas = paths.SelectMany(p => p.Value!.AsObject())
            .Select(o => (string?)o.Value!["responses"]?["default"]?["schema"]?["$ref"])
            .Where(r => r is not null)
            .Distinct();
        foreach (var errorRef in errorSchemas)
        {
            var error = resolver.Definitions[errorRef!.Split('/')[^1]]!;
            var bodyRef = (string?)error["properties"]?["error"]?["$ref"] ?? throw new SpecImportException($"{errorRef} has no 'error' property.");
            var message = resolver.Definitions[bodyRef.Split('/')[^1]]!["properties"]?["message"]?.AsObject()
                ?? throw new SpecImportException($"{bodyRef} has no 'message' property.");
            message["x-ms-primary-error-message"] = true;
        }
    }

    // ARM subscription ids are GUIDs. common-types v5 and later say so ("format": "uuid") and Kiota then indexes
    // subscriptions by Guid; v3 and v4 leave the format out, which would turn the indexer into a string one and
    // change the generated API with the vintage of common-types rather than with the service.
    private static void NormalizeSubscriptionId(JsonObject paths, RefResolver resolver)
    {
        var inline = paths.SelectMany(p => p.Value!.AsObject())
            .SelectMany(o => o.Value!["parameters"]?.AsArray() ?? [])
            .Select(p => ((string?)p?["name"] ?? "(unnamed)", p));
        foreach (var (name, parameter) in resolver.Parameters.Select(p => ("parameters/" + p.Key, (JsonNode?)p.Value)).Concat(inline))
        {
            if (parameter is JsonObject p && (string?)p["name"] == "subscriptionId" && (string?)p["in"] == "path" && (string?)p["type"] == "string" && p["format"] is null)
            {
                p["format"] = "uuid";
                resolver.Notes.Add($"{name}: \"format\": \"uuid\" added (ARM subscription ids are GUIDs; common-types v5 and later declare it).");
            }
        }
    }

    private static JsonObject Sorted(Dictionary<string, JsonNode> items)
    {
        var sorted = new JsonObject();
        foreach (var (name, value) in items.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            sorted[name] = value;
        }

        return sorted;
    }

    // The path from "specification/" on, as in azure-rest-api-specs; the file name when it is not in such a layout.
    private static string Relative(string path)
    {
        var marker = path.Replace('\\', '/');
        var index = marker.IndexOf("specification/", StringComparison.Ordinal);
        return index >= 0 ? marker[index..] : Path.GetFileName(path);
    }

    private static void UpdateReadme(string readme, string relative, string version, string sha, List<(string Path, string Sha256)> read, List<string> notes, List<KeptExample> kept)
    {
        const string start = "<!-- import:start -->";
        const string end = "<!-- import:end -->";
        var block = new StringBuilder()
            .Append(start).Append('\n')
            .Append("Last import: `").Append(relative).Append("`, api-version **").Append(version).Append("**, input sha256 `").Append(sha).Append("`,\n")
            .Append("by `./build.sh --target=ImportSpec --upstream=<that file>` (or `UpgradeApiVersion`). Every file it read:\n\n")
            .Append("| file | sha256 |\n| --- | --- |\n");
        foreach (var (path, hash) in read)
        {
            block.Append("| `").Append(path).Append("` | `").Append(hash).Append("` |\n");
        }

        if (kept.Count > 0)
        {
            block.Append("\nExamples kept from the previous spec/, because the upstream file ships no example for their operation (only their api-version was changed, to ")
                .Append(version).Append("):\n\n| example | operation | first imported from | api-version there |\n| --- | --- | --- | --- |\n");
            foreach (var example in kept)
            {
                block.Append("| `examples/").Append(example.FileName).Append("` | `").Append(example.OperationId).Append("` | `").Append(example.Origin).Append("` | ").Append(example.OriginApiVersion).Append(" |\n");
            }
        }

        if (notes.Count > 0)
        {
            block.Append("\nWhat this import changed or left out of what upstream says:\n\n");
            foreach (var note in notes)
            {
                block.Append("- ").Append(note).Append('\n');
            }
        }

        block.Append(end);
        var text = File.Exists(readme) ? File.ReadAllText(readme) : "# spec/\n\n" + start + "\n" + end + "\n";
        var from = text.IndexOf(start, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        text = from >= 0 && to > from
            ? text[..from] + block + text[(to + end.Length)..]
            : text.TrimEnd() + "\n\n" + block + "\n";
        File.WriteAllText(readme, text);
    }
}
