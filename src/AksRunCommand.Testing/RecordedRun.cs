namespace AksRunCommand.Testing;

/// <summary>A run request the fake received.</summary>
/// <param name="Cluster">The cluster in the path.</param>
/// <param name="Command">The command line.</param>
/// <param name="ContextFiles">The decoded context (empty when none was sent).</param>
/// <param name="ClusterTokenPresent">True when a non-empty <c>clusterToken</c> was sent.</param>
/// <param name="ApiVersion">The api-version query parameter.</param>
/// <param name="AuthorizationPresent">True when an Authorization header was sent (its value is never kept).</param>
/// <param name="Headers">The request headers, Authorization redacted.</param>
/// <param name="Status">The status the fake answered (0 for a broken connection).</param>
/// <param name="CommandId">The id the fake assigned, when it accepted the command.</param>
/// <param name="Path">The request path as it arrived on the wire (percent-escaped, casing kept).</param>
/// <param name="BodyBytes">The size of the request body in bytes, as it arrived.</param>
public sealed record RecordedRun(
    ClusterId Cluster,
    string Command,
    IReadOnlyList<ContextFile> ContextFiles,
    bool ClusterTokenPresent,
    string? ApiVersion,
    bool AuthorizationPresent,
    IReadOnlyDictionary<string, string> Headers,
    int Status,
    string? CommandId,
    string Path,
    long BodyBytes);
