using System.Globalization;
using AksRunCommand.Http;
using AksRunCommand.Polling;
using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using CsCheck;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Tests.Polling;

// What the server sends is untrusted: every form read, garbage ignored and logged, huge values clamped and logged.
public sealed class RetryAfterTests
{
    private readonly ManualClock _clock = new();
    private readonly CapturingLoggerProvider _logs = new();

    [Theory]
    [InlineData("Retry-After", "4", 4)]
    [InlineData("Retry-After", "0", 0)]
    [InlineData("Retry-After", "2.5", 2.5)]
    [InlineData("retry-after-ms", "2500", 2.5)]
    [InlineData("x-ms-retry-after-ms", "3500", 3.5)]
    [InlineData("Retry-After", "Sat, 28 Nov 2026 12:00:06 GMT", 6)] // IMF-fixdate
    [InlineData("Retry-After", "Saturday, 28-Nov-26 12:00:07 GMT", 7)] // obsolete RFC 850
    [InlineData("Retry-After", "Sat Nov 28 12:00:08 2026", 8)] // ANSI C asctime
    [InlineData("Retry-After", "Wed Dec  2 12:00:00 2026", 345600)] // asctime, space-padded day
    [InlineData("Retry-After", "Sat, 28 Nov 2026 11:00:00 GMT", 0)] // in the past: no wait
    public void Read_EveryForm_GivesTheWait(string header, string value, double seconds)
    {
        var wait = Read((header, value));

        Assert.Equal(TimeSpan.FromSeconds(Math.Min(seconds, 600)), wait);
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("-5")]
    [InlineData("NaN")]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("Sun, 32 Nov 2026 12:00:00 GMT")]
    [InlineData("0x10")]
    public void Read_Garbage_IsIgnoredAndLogged(string value)
    {
        var wait = Read(("Retry-After", value));

        Assert.Null(wait);
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("Ignored Retry-After", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Retry-After", "99999999")]
    [InlineData("retry-after-ms", "9999999999999999999999")]
    [InlineData("Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT")]
    public void Read_OverTenMinutes_IsClampedAndLogged(string header, string value)
    {
        var wait = Read((header, value));

        Assert.Equal(RetryAfter.Maximum, wait);
        Assert.Equal(TimeSpan.FromMinutes(10), RetryAfter.Maximum);
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("Clamped", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_RepeatedHeader_ReadsEveryValueAndTheLargestWins()
    {
        var wait = Read(("Retry-After", "3"), ("Retry-After", "garbage"), ("Retry-After", "7"));

        Assert.Equal(TimeSpan.FromSeconds(7), wait);
    }

    [Fact]
    public void Read_RepeatedHeaderJoinedOnOneLine_SplitsButKeepsDatesWhole()
    {
        var wait = Read(("Retry-After", "2, Sat, 28 Nov 2026 12:00:05 GMT"));

        Assert.Equal(TimeSpan.FromSeconds(5), wait);
    }

    [Fact]
    public void Read_MillisecondsHeader_WinsOverRetryAfter()
    {
        var wait = Read(("Retry-After", "9"), ("retry-after-ms", "1500"));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), wait);
    }

    [Fact]
    public void Read_AnyValueInAnyHeader_NeverThrowsAndStaysWithinTenMinutes()
    {
        var headers = Gen.OneOf("Retry-After", "retry-after-ms", "x-ms-retry-after-ms");
        var values = Gen.OneOf(
            Gen.String,
            Gen.Double.Select(d => d.ToString(CultureInfo.InvariantCulture)),
            Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
            Gen.DateTimeOffset.Select(d => d.ToString("r", CultureInfo.InvariantCulture)),
            Gen.DateTimeOffset.Select(d => d.ToUniversalTime().ToString("ddd MMM d HH':'mm':'ss yyyy", CultureInfo.InvariantCulture)));

        Gen.Select(headers, values.Array[1, 3]).Sample(
            (header, vals) =>
            {
                var wait = Read([.. vals.Select(v => (header, v))]);
                return wait is null || (wait >= TimeSpan.Zero && wait <= RetryAfter.Maximum);
            },
            iter: 2000);
    }

    private TimeSpan? Read(params (string Name, string Value)[] headers)
    {
        using var message = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        var logger = LoggerFactory.Create(b => b.AddProvider(_logs)).CreateLogger("test");
        return RetryAfter.Read(new ArmResponse(202, message.Headers, []), _clock, logger);
    }
}
