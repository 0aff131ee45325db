namespace AksRunCommand.SpecImport;

/// <summary>
/// An example of the previous spec/ carried into an import whose upstream file ships none for its operation:
/// <paramref name="Content"/> is the previous file with only its api-version changed; <paramref name="Origin"/>
/// and <paramref name="OriginApiVersion"/> say where it was first imported from.
/// </summary>
internal sealed record KeptExample(string FileName, string OperationId, string Title, string Origin, string OriginApiVersion, string Content);
