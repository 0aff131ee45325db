namespace AksRunCommand.SpecImport;

/// <summary>What an import wrote, every change it made to what upstream says (<see cref="Notes"/>) and the examples it kept from the previous spec/ (<see cref="Kept"/>), for the person who reviews it.</summary>
internal sealed record ImportResult(string ApiVersion, string InputSha256, int Definitions, int Parameters, int Examples, IReadOnlyList<string> Notes, IReadOnlyList<KeptExample> Kept);
