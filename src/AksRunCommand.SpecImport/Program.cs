using AksRunCommand.SpecImport;

// aks-spec-import --upstream <managedClusters.json inside an azure-rest-api-specs layout> --out <spec dir>
string? upstream = null, output = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--upstream": upstream = args[i + 1]; break;
        case "--out": output = args[i + 1]; break;
    }
}

if (upstream is null || output is null)
{
    Console.Error.WriteLine("usage: aks-spec-import --upstream PATH/managedClusters.json --out SPEC_DIR");
    return 2;
}

try
{
    var result = SpecImporter.Import(upstream, output);
    Console.WriteLine($"Imported api-version {result.ApiVersion} from {upstream} (sha256 {result.InputSha256}): {result.Definitions} definitions, {result.Parameters} parameters, {result.Examples} examples -> {output}");
    return 0;
}
catch (Exception e) when (e is SpecImportException or IOException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine($"aks-spec-import: error: {e.Message}");
    return 1;
}
