using System.Globalization;
using AksRunCommand.Diagnostics;
using AksRunCommand.Http;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Polling;

// Every form ARM and Azure services use: retry-after-ms, x-ms-retry-after-ms, Retry-After as seconds or as an
// HTTP-date in each of the three forms RFC 9110 makes a recipient accept. What the server sends is untrusted:
// a malformed value is ignored and logged, a huge one is clamped to Maximum and logged, and a repeated header
// is read whole, the largest valid value winning (it is a floor; the most cautious reading honours it).
internal static class RetryAfter
{
    /// <summary>The longest wait a server value can ask for: 10 minutes, the maximum ARM documents for Retry-After.</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromMinutes(10);

    private static readonly string[] MillisecondHeaders = ["retry-after-ms", "x-ms-retry-after-ms"];

    // IMF-fixdate, the obsolete RFC 850 form, and ANSI C asctime (RFC 9110 section 5.6.7).
    private static readonly string[] HttpDateFormats = ["r", "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'", "ddd MMM d HH':'mm':'ss yyyy"];

    /// <summary>The rule every wait follows: a Retry-After the service sent is a floor under the delay the client chose.</summary>
    public static TimeSpan AsFloor(TimeSpan delay, TimeSpan? retryAfter) => retryAfter > delay ? retryAfter.Value : delay;

    public static TimeSpan? Read(ArmResponse response, TimeProvider timeProvider, ILogger logger)
    {
        foreach (var name in MillisecondHeaders)
        {
            if (ReadHeader(response, name, static (value, _) => ParseNumber(value, 0.001), timeProvider, logger) is { } ms)
            {
                return ms;
            }
        }

        return ReadHeader(response, "Retry-After", static (value, now) => ParseNumber(value, 1) ?? ParseDate(value, now), timeProvider, logger);
    }

    /// <summary>One value of a header as seconds to wait (not yet clamped); null when it is not a valid value.</summary>
    internal static double? ParseValue(string headerName, string value, DateTimeOffset now) =>
        MillisecondHeaders.Contains(headerName, StringComparer.OrdinalIgnoreCase) ? ParseNumber(value, 0.001) : ParseNumber(value, 1) ?? ParseDate(value, now);

    private static TimeSpan? ReadHeader(ArmResponse response, string name, Func<string, DateTimeOffset, double?> parse, TimeProvider timeProvider, ILogger logger)
    {
        var values = response.HeaderValues(name);
        if (values.Count == 0)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        double? largest = null;
        foreach (var value in values.SelectMany(SplitRepeated))
        {
            if (parse(value, now) is { } seconds)
            {
                largest = Math.Max(largest ?? 0, seconds);
            }
            else
            {
                RunCommandLog.RetryAfterIgnored(logger, name, Printable(value));
            }
        }

        if (largest is not { } wait)
        {
            return null;
        }

        if (wait > Maximum.TotalSeconds)
        {
            RunCommandLog.RetryAfterClamped(logger, name, string.Join(", ", values.Select(Printable)), Maximum);
            return Maximum;
        }

        return TimeSpan.FromSeconds(wait);
    }

    // A repeated header may arrive as one line joined by commas; an HTTP-date has a comma of its own.
    private static IEnumerable<string> SplitRepeated(string value)
    {
        var parts = value.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (i + 1 < parts.Length && part.Length >= 3 && part.All(char.IsAsciiLetter))
            {
                yield return part + ", " + parts[++i].Trim(); // "Sun, 06 Nov 1994 ..." or "Sunday, 06-Nov-94 ..."
            }
            else
            {
                yield return part; // an empty one too: it is logged as ignored
            }
        }
    }

    private static double? ParseNumber(string value, double secondsPerUnit)
    {
        // Digits with an optional fraction only: no sign, no exponent, no "Infinity" or "NaN".
        var text = value.Trim();
        if (text.Length == 0 || text.Length > 32 || !text.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number * secondsPerUnit
            : null;
    }

    private static double? ParseDate(string value, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParseExact(value.Trim(), HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var date))
        {
            return null;
        }

        var wait = (date - now).TotalSeconds;
        return wait > 0 ? wait : 0;
    }

    private static string Printable(string value) =>
        value.Length > 64 ? string.Concat(value.AsSpan(0, 64), "...") : new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
