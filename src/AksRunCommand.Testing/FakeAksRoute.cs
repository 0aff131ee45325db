namespace AksRunCommand.Testing;

/// <summary>Which of the two operations a request path names, for which cluster (parsed by <see cref="ClusterId"/>, the one rule for cluster paths).</summary>
internal sealed record FakeAksRoute(string ClusterPath, string? CommandId)
{
    private const string RunSuffix = "/runCommand";
    private const string ResultsMarker = "/commandResults/";

    public bool IsRun => CommandId is null;

    public static bool IsRunPath(string path) => TryParse(path) is { IsRun: true };

    public static bool IsPollPath(string path) => TryParse(path) is { IsRun: false };

    /// <summary>Splits <c>{cluster path}/runCommand</c> or <c>{cluster path}/commandResults/{id}</c>, in any casing; null otherwise.</summary>
    public static FakeAksRoute? TryParse(string path)
    {
        if (path.EndsWith(RunSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return new FakeAksRoute(path[..^RunSuffix.Length], null);
        }

        var marker = path.LastIndexOf(ResultsMarker, StringComparison.OrdinalIgnoreCase);
        if (marker < 0)
        {
            return null;
        }

        var id = path[(marker + ResultsMarker.Length)..];
        return id.Length > 0 && !id.Contains('/', StringComparison.Ordinal) ? new FakeAksRoute(path[..marker], Uri.UnescapeDataString(id)) : null;
    }

    /// <summary>The cluster the path names; an invalid part throws <see cref="ArgumentException"/> naming it, as the client's own validation does.</summary>
    public ClusterId Cluster() => ClusterId.Parse(Uri.UnescapeDataString(ClusterPath));
}
