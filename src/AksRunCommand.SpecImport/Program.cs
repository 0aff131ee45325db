using System.CommandLine;
using AksRunCommand.SpecImport;

// aks-spec-import --upstream <managedClusters.json inside an azure-rest-api-specs layout> --out <spec dir>
var upstream = new Option<FileInfo>("--upstream") { Description = "The upstream managedClusters.json, inside a folder laid out like Azure/azure-rest-api-specs (its relative $refs must resolve).", Required = true };
var output = new Option<DirectoryInfo>("--out") { Description = "The spec folder to write (aks-runcommand.json, examples/, README.md provenance).", Required = true };
var root = new RootCommand("aks-spec-import: cut the runCommand and commandResults operations and the managedClusters get and list operations out of an upstream managedClusters.json into spec/.") { upstream, output };
root.SetAction(parse =>
{
    var from = parse.GetValue(upstream)!.FullName;
    var to = parse.GetValue(output)!.FullName;
    try
    {
        var result = SpecImporter.Import(from, to);
        Console.WriteLine($"Imported api-version {result.ApiVersion} from {from} (sha256 {result.InputSha256}): {result.Definitions} definitions, {result.Parameters} parameters, {result.Examples} examples{(result.Kept.Count > 0 ? $" (and {result.Kept.Count} kept from the previous spec/)" : string.Empty)} -> {to}");
        foreach (var example in result.Kept)
        {
            Console.WriteLine($"  kept: examples/{example.FileName} of {example.OperationId} from the previous spec/ (first imported from {example.Origin}, api-version {example.OriginApiVersion}): the upstream file ships no example for it; only its api-version was changed, to {result.ApiVersion}.");
        }

        foreach (var note in result.Notes)
        {
            Console.WriteLine($"  note: {note}");
        }

        return 0;
    }
    catch (Exception e) when (e is SpecImportException or IOException or System.Text.Json.JsonException)
    {
        Console.Error.WriteLine($"aks-spec-import: error: {e.Message}");
        return 1;
    }
});

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Unknown or missing arguments are errors, never silently ignored.
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"aks-spec-import: error: {error.Message}");
    }

    return 2;
}

return parsed.Invoke();
