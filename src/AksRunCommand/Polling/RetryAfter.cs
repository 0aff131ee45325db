using System.Globalization;
using AksRunCommand.Http;

namespace AksRunCommand.Polling;

// Every form ARM and Azure services use: retry-after-ms, x-ms-retry-after-ms, Retry-After as seconds or as an HTTP-date.
internal static class RetryAfter
{
    /// <summary>The rule every wait follows: a Retry-After the service sent is a floor under the delay the client chose.</summary>
    public static TimeSpan AsFloor(TimeSpan delay, TimeSpan? retryAfter) => retryAfter > delay ? retryAfter.Value : delay;

    public static TimeSpan? Read(ArmResponse response, TimeProvider timeProvider)
    {
        foreach (var name in (string[])["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (double.TryParse(response.Header(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            {
                return TimeSpan.FromMilliseconds(ms);
            }
        }

        var value = response.Header("Retry-After");
        if (value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
