using System.Text.Json.Nodes;

namespace AksRunCommand.SpecImport;

/// <summary>Follows $refs (local and relative-file) from the kept operations and copies what they reach into one document.</summary>
internal sealed class RefResolver
{
    private readonly Dictionary<string, JsonObject> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _origins = new(StringComparer.Ordinal);

    public RefResolver(string rootPath, JsonObject root)
    {
        _documents[rootPath] = root;
    }

    public Dictionary<string, JsonNode> Definitions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonNode> Parameters { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Examples { get; } = new(StringComparer.Ordinal);

    /// <summary>Every JSON document read: the upstream file and the common-types files its operations reach.</summary>
    public IEnumerable<string> Documents => _documents.Keys;

    /// <summary>What was changed or left out on the way, one line each.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Rewrites every $ref in <paramref name="node"/> (which came from <paramref name="documentPath"/>) to a local one.</summary>
    public JsonNode Resolve(JsonNode node, string documentPath, JsonObject document)
    {
        switch (node)
        {
            case JsonObject obj when obj["x-ms-examples"] is JsonObject examples:
                foreach (var (title, example) in examples.ToList())
                {
                    if ((string?)example?["$ref"] is not { } exampleRef)
                    {
                        continue; // an inline example is kept as it is
                    }

                    var file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(documentPath)!, exampleRef));
                    if (File.Exists(file))
                    {
                        Examples.Add(file);
                        example["$ref"] = "./examples/" + Path.GetFileName(file);
                    }
                    else
                    {
                        // Some upstream versions name example files they do not ship; a $ref to nothing would not resolve.
                        examples.Remove(title);
                        Notes.Add($"x-ms-examples '{title}' of {(string?)obj["operationId"] ?? "an operation"} dropped: {exampleRef} is not beside the upstream file.");
                    }
                }

                if (examples.Count == 0)
                {
                    obj.Remove("x-ms-examples");
                }

                foreach (var (name, child) in obj.ToList())
                {
                    if (name != "x-ms-examples" && child is not null)
                    {
                        obj[name] = Resolve(child, documentPath, document);
                    }
                }

                return obj;
            case JsonObject obj when (string?)obj["$ref"] is { } reference:
                obj["$ref"] = Import(reference, documentPath, document);
                foreach (var (name, child) in obj.Where(p => p.Key != "$ref").ToList())
                {
                    obj[name] = child is null ? null : Resolve(child, documentPath, document);
                }

                return obj;
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        obj[name] = Resolve(child, documentPath, document);
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        array[i] = Resolve(item.DeepClone(), documentPath, document);
                    }
                }

                return array;
            default:
                return node;
        }
    }

    private string Import(string reference, string documentPath, JsonObject document)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var file = hash > 0 ? reference[..hash] : hash < 0 ? reference : string.Empty;
        var pointer = hash >= 0 ? reference[(hash + 1)..] : string.Empty;
        var targetPath = file.Length == 0 ? documentPath : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(documentPath)!, file));
        var target = file.Length == 0 ? document : Load(targetPath);
        var segments = pointer.Trim('/').Split('/');
        if (segments is not [("definitions" or "parameters") and var kind, var name])
        {
            throw new SpecImportException($"unsupported $ref '{reference}' in {documentPath}: only #/definitions/NAME and #/parameters/NAME are followed.");
        }

        var collection = kind == "definitions" ? Definitions : Parameters;
        var origin = targetPath + "#" + pointer;
        var key = kind + "/" + name;
        if (_origins.TryGetValue(key, out var existing))
        {
            return existing == origin
                ? $"#/{kind}/{name}"
                : throw new SpecImportException($"two different {kind} are named '{name}': {existing} and {origin}.");
        }

        var source = target[kind]?[name] ?? throw new SpecImportException($"$ref '{reference}' in {documentPath} points at nothing.");
        _origins[key] = origin;
        collection[name] = new JsonObject(); // placeholder first: recursive schemas (CloudErrorBody.details) refer to themselves
        collection[name] = Resolve(source.DeepClone(), targetPath, target);
        return $"#/{kind}/{name}";
    }

    private JsonObject Load(string path)
    {
        if (!_documents.TryGetValue(path, out var loaded))
        {
            if (!File.Exists(path))
            {
                throw new SpecImportException($"{path} is missing: the upstream file must sit in a folder laid out like azure-rest-api-specs so its relative $refs resolve.");
            }

            loaded = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            _documents[path] = loaded;
        }

        return loaded;
    }
}
