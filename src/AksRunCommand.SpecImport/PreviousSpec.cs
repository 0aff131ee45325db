using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AksRunCommand.SpecImport;

/// <summary>
/// What spec/ held before an import, read before anything is overwritten: each operation's examples, their text,
/// and where each was first imported from (the README's import block), so an import whose upstream file ships no
/// example for an operation can keep the one spec/ already had.
/// </summary>
internal sealed partial class PreviousSpec
{
    private readonly Dictionary<string, List<(string Title, string FileName)>> _examples = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _contents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Origin, string ApiVersion)> _origins = new(StringComparer.Ordinal);

    private PreviousSpec()
    {
    }

    public static PreviousSpec Read(string specDirectory)
    {
        var previous = new PreviousSpec();
        var spec = Path.Combine(specDirectory, SpecImporter.SpecFileName);
        if (!File.Exists(spec))
        {
            return previous; // a first import: nothing to keep
        }

        var root = JsonNode.Parse(File.ReadAllText(spec))?.AsObject();
        foreach (var (_, item) in root?["paths"]?.AsObject() ?? [])
        {
            foreach (var (_, operation) in item?.AsObject() ?? [])
            {
                if ((string?)operation?["operationId"] is not { } operationId || operation["x-ms-examples"] is not JsonObject examples)
                {
                    continue;
                }

                foreach (var (title, example) in examples)
                {
                    if ((string?)example?["$ref"] is { } reference && reference.StartsWith("./examples/", StringComparison.Ordinal))
                    {
                        var fileName = reference["./examples/".Length..];
                        var file = Path.Combine(specDirectory, "examples", fileName);
                        if (File.Exists(file))
                        {
                            previous._contents[fileName] = File.ReadAllText(file);
                            (previous._examples.TryGetValue(operationId, out var list) ? list : previous._examples[operationId] = []).Add((title, fileName));
                        }
                    }
                }
            }
        }

        var readme = Path.Combine(specDirectory, "README.md");
        if (File.Exists(readme))
        {
            foreach (var line in File.ReadAllLines(readme))
            {
                // A row of the kept table names the first origin; a row of the files-read table an example imported from upstream.
                if (KeptRow().Match(line) is { Success: true } kept)
                {
                    previous._origins[kept.Groups["file"].Value] = (kept.Groups["origin"].Value, kept.Groups["version"].Value);
                }
                else if (ReadRow().Match(line) is { Success: true } read)
                {
                    previous._origins.TryAdd(read.Groups["file"].Value, (read.Groups["path"].Value, read.Groups["version"].Value));
                }
            }
        }

        return previous;
    }

    /// <summary>The examples <paramref name="operationId"/> had, each with its api-version changed to <paramref name="apiVersion"/> and nothing else.</summary>
    public IEnumerable<KeptExample> Keep(string operationId, string apiVersion)
    {
        foreach (var (title, fileName) in _examples.GetValueOrDefault(operationId) ?? [])
        {
            var content = _contents[fileName];
            var current = ApiVersionOf(content);
            var (origin, originVersion) = _origins.TryGetValue(fileName, out var known)
                ? known
                : ($"spec/examples/{fileName} (its origin was not recorded)", current ?? "unknown");
            yield return new KeptExample(fileName, operationId, title, origin, originVersion, current is null ? content : WithApiVersion(content, current, apiVersion));
        }
    }

    // Text replacement, not a JSON rewrite, so the file keeps its bytes but for the version: the parameter and the
    // api-version query of the URLs in it (a Location echoes the request's api-version).
    internal static string WithApiVersion(string content, string from, string to)
    {
        var parameter = new Regex("(\"api-version\"\\s*:\\s*\")" + Regex.Escape(from) + "\"", RegexOptions.CultureInvariant);
        var query = new Regex("(api-version=)" + Regex.Escape(from) + "(?![A-Za-z0-9.-])", RegexOptions.CultureInvariant);
        return query.Replace(parameter.Replace(content, "${1}" + to + "\""), "${1}" + to);
    }

    private static string? ApiVersionOf(string content)
    {
        try
        {
            return (string?)JsonNode.Parse(content)?["parameters"]?["api-version"];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null; // not an example of the usual shape: kept as it is
        }
    }

    [GeneratedRegex(@"^\| `examples/(?<file>[^`]+)` \| `[^`]+` \| `(?<origin>[^`]+)` \| (?<version>[^ |]+) \|$")]
    private static partial Regex KeptRow();

    [GeneratedRegex(@"^\| `(?<path>[^`]*/(?<version>[^/`]+)/examples/(?<file>[^/`]+))` \| `[0-9a-f]+` \|$")]
    private static partial Regex ReadRow();
}
