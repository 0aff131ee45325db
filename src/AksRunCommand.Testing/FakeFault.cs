using System.Globalization;

namespace AksRunCommand.Testing;

/// <summary>How a <c>Retry-After</c> is written: each form ARM and Azure services use.</summary>
public enum RetryAfterForm
{
    /// <summary><c>Retry-After: 2</c> (seconds).</summary>
    Seconds,

    /// <summary><c>Retry-After: Sat, 28 Nov 2026 12:00:02 GMT</c>.</summary>
    HttpDate,

    /// <summary><c>retry-after-ms: 2000</c>.</summary>
    RetryAfterMs,

    /// <summary><c>x-ms-retry-after-ms: 2000</c>.</summary>
    XMsRetryAfterMs,
}

/// <summary>What goes wrong with one answer of the fake: a throttle, a server error, a broken connection, ...</summary>
public sealed class FakeFault
{
    private FakeFault(string name)
    {
        Name = name;
    }

    /// <summary>A short description, for test output.</summary>
    public string Name { get; }

    internal int Status { get; private init; }

    internal string? ErrorCode { get; private init; }

    internal string? ErrorMessage { get; private init; }

    internal TimeSpan? RetryAfter { get; private init; }

    internal RetryAfterForm RetryAfterForm { get; private init; }

    internal WireMock.ResponseBuilders.FaultType Transport { get; private init; }

    internal bool MalformedJson { get; private init; }

    internal TimeSpan? Delay { get; private init; }

    internal bool OmitLocation { get; private init; }

    internal Uri? LocationHost { get; private init; }

    /// <summary>The command is accepted and registered, but the 202 carries no Location (start only).</summary>
    public static FakeFault AcceptedWithoutLocation { get; } = new("202 without Location") { Status = 202, OmitLocation = true };

    /// <summary>WireMock's <c>EMPTY_RESPONSE</c>: HTTP 200 with its headers and an empty body (no Location, no result).</summary>
    public static FakeFault EmptyResponse { get; } = new("empty response") { Status = 200, Transport = WireMock.ResponseBuilders.FaultType.EMPTY_RESPONSE };

    /// <summary>WireMock's <c>MALFORMED_RESPONSE_CHUNK</c>: HTTP 200 whose chunked body is random bytes.</summary>
    public static FakeFault MalformedChunk { get; } = new("malformed chunk") { Status = 200, Transport = WireMock.ResponseBuilders.FaultType.MALFORMED_RESPONSE_CHUNK };

    /// <summary>The answer comes after <paramref name="delay"/> of real time, so a client with a shorter HTTP timeout gives up first.</summary>
    public static FakeFault SlowResponse(TimeSpan delay) =>
        new($"slow response ({delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms)") { Status = 503, ErrorCode = "ServiceUnavailable", ErrorMessage = "Too slow.", Delay = delay };

    /// <summary>HTTP 200 whose body is not valid JSON (poll only).</summary>
    public static FakeFault MalformedJsonBody { get; } = new("malformed JSON") { Status = 200, MalformedJson = true };

    /// <summary>HTTP 429 with a Retry-After in the given form.</summary>
    public static FakeFault Throttled(TimeSpan retryAfter, RetryAfterForm form = RetryAfterForm.Seconds) =>
        new($"429 Retry-After {retryAfter.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms as {form}")
        {
            Status = 429,
            ErrorCode = "TooManyRequests",
            ErrorMessage = "The request is being throttled.",
            RetryAfter = retryAfter,
            RetryAfterForm = form,
        };

    /// <summary>A server error: 500, 502, 503 or 504, with a CloudError body.</summary>
    public static FakeFault ServerError(int status = 500) =>
        status is 500 or 502 or 503 or 504
            ? new($"{status}") { Status = status, ErrorCode = status == 500 ? "InternalServerError" : "ServiceUnavailable", ErrorMessage = "The service is temporarily unavailable." }
            : throw new ArgumentOutOfRangeException(nameof(status), status, "status must be 500, 502, 503 or 504.");

    /// <summary>Any ARM error (for example 413, 403 AuthorizationFailed, 400 KubernetesPerformanceError).</summary>
    public static FakeFault ArmError(int status, string code, string message) =>
        new($"{status} {code}") { Status = status, ErrorCode = code, ErrorMessage = message };

    /// <summary>The command is accepted, with a Location on another host (start only); a client must not call it.</summary>
    public static FakeFault LocationOnHost(Uri host) =>
        new($"Location on {host}") { Status = 202, LocationHost = host ?? throw new ArgumentNullException(nameof(host)) };

    /// <summary>The description.</summary>
    public override string ToString() => Name;

    internal bool Accepts => Status == 202;
}
