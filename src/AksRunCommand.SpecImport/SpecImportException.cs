namespace AksRunCommand.SpecImport;

/// <summary>The upstream file cannot be imported; the message says why.</summary>
internal sealed class SpecImportException(string message) : Exception(message);
