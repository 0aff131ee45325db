namespace AksRunCommand.Testing;

/// <summary>A poll the fake received.</summary>
/// <param name="Cluster">The cluster in the path.</param>
/// <param name="CommandId">The command id in the path.</param>
/// <param name="ApiVersion">The api-version query parameter.</param>
/// <param name="AuthorizationPresent">True when an Authorization header was sent (its value is never kept).</param>
/// <param name="Status">The status the fake answered (0 for a broken connection).</param>
/// <param name="State">The provisioning state it reported, if any.</param>
/// <param name="Path">The request path as it arrived on the wire (percent-escaped, casing kept).</param>
public sealed record RecordedPoll(ClusterId Cluster, string CommandId, string? ApiVersion, bool AuthorizationPresent, int Status, string? State, string Path);
