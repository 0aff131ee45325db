using System.Net.Http.Headers;

namespace AksRunCommand.Benchmarks;

/// <summary>The protocol work every floor does as the facade does it: the id from Location, Retry-After as a floor.</summary>
public static class ArmProtocol
{
    private const string Marker = "/commandResults/";

    public static string CommandId(Uri? location)
    {
        var path = location?.AbsolutePath ?? throw new InvalidOperationException("202 without Location");
        var start = path.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        return start < 0 ? throw new InvalidOperationException("Location without commandResults") : Uri.UnescapeDataString(path[(start + Marker.Length)..].TrimEnd('/'));
    }

    public static TimeSpan Delay(RetryConditionHeaderValue? retryAfter, TimeSpan schedule) =>
        retryAfter?.Delta is { } delta && delta > schedule ? delta
        : retryAfter?.Date is { } date && date - DateTimeOffset.UtcNow > schedule ? date - DateTimeOffset.UtcNow
        : schedule;
}
