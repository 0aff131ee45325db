namespace AksRunCommand.SpecImport;

internal sealed record ImportResult(string ApiVersion, string InputSha256, int Definitions, int Parameters, int Examples);
