namespace AksRunCommand.SpecImport;

/// <summary>What an import wrote, and every change it made to what upstream says (<see cref="Notes"/>), for the person who reviews it.</summary>
internal sealed record ImportResult(string ApiVersion, string InputSha256, int Definitions, int Parameters, int Examples, IReadOnlyList<string> Notes);
