using System.Globalization;

namespace AksRunCommand.Testing;

/// <summary>
/// One answer of the fake that differs from what a healthy service would send: a throttle, a server error,
/// a broken body, an odd Location, a state of its own, or any reply you write. Scripted per command with
/// <see cref="CommandScript.OnStart"/> and <see cref="CommandScript.OnPoll"/>.
/// </summary>
public sealed class FakeFault
{
    private FakeFault(string name)
    {
        Name = name;
    }

    private FakeFault(FakeFault other, string name, IReadOnlyList<KeyValuePair<string, string[]>> headers, TimeSpan? delay)
    {
        Name = name;
        Kind = other.Kind;
        Status = other.Status;
        ErrorCode = other.ErrorCode;
        ErrorMessage = other.ErrorMessage;
        ErrorTarget = other.ErrorTarget;
        RetryAfter = other.RetryAfter;
        RetryAfterForm = other.RetryAfterForm;
        Transport = other.Transport;
        Delay = delay;
        LocationHost = other.LocationHost;
        Location = other.Location;
        State = other.State;
        Body = other.Body;
        Headers = headers;
    }

    internal enum AnswerKind
    {
        ArmError,
        Transport,
        MalformedJson,
        AcceptedWithoutLocation,
        Accepted,
        Running,
        Reply,
    }

    /// <summary>A short description, for test output.</summary>
    public string Name { get; }

    internal AnswerKind Kind { get; private init; }

    internal int Status { get; private init; }

    internal string? ErrorCode { get; private init; }

    internal string? ErrorMessage { get; private init; }

    internal string? ErrorTarget { get; private init; }

    internal TimeSpan? RetryAfter { get; private init; }

    internal RetryAfterForm RetryAfterForm { get; private init; }

    internal WireMock.ResponseBuilders.FaultType Transport { get; private init; }

    internal TimeSpan? Delay { get; private init; }

    internal Uri? LocationHost { get; private init; }

    internal string? Location { get; private init; }

    internal string? State { get; private init; }

    internal string? Body { get; private init; }

    /// <summary>Headers set on this answer, replacing any of the same name the fake would send.</summary>
    internal IReadOnlyList<KeyValuePair<string, string[]>> Headers { get; private init; } = [];

    /// <summary>A healthy answer in a scripted sequence: the command is accepted with the usual 202 and Location (start only).</summary>
    public static FakeFault Accepted { get; } = new("202") { Kind = AnswerKind.Accepted, Status = 202 };

    /// <summary>The command is accepted and registered, but the 202 carries no Location (start only).</summary>
    public static FakeFault AcceptedWithoutLocation { get; } = new("202 without Location") { Kind = AnswerKind.AcceptedWithoutLocation, Status = 202 };

    /// <summary>WireMock's <c>EMPTY_RESPONSE</c>: HTTP 200 with its headers and an empty body (no Location, no result).</summary>
    public static FakeFault EmptyResponse { get; } = new("empty response") { Kind = AnswerKind.Transport, Status = 200, Transport = WireMock.ResponseBuilders.FaultType.EMPTY_RESPONSE };

    /// <summary>WireMock's <c>MALFORMED_RESPONSE_CHUNK</c>: HTTP 200 whose chunked body is random bytes.</summary>
    public static FakeFault MalformedChunk { get; } = new("malformed chunk") { Kind = AnswerKind.Transport, Status = 200, Transport = WireMock.ResponseBuilders.FaultType.MALFORMED_RESPONSE_CHUNK };

    /// <summary>HTTP 200 whose body is not valid JSON (poll only).</summary>
    public static FakeFault MalformedJsonBody { get; } = new("malformed JSON") { Kind = AnswerKind.MalformedJson, Status = 200 };

    /// <summary>The answer comes after <paramref name="delay"/> of real time, so a client with a shorter HTTP timeout gives up first.</summary>
    public static FakeFault SlowResponse(TimeSpan delay) =>
        new($"slow response ({delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms)") { Kind = AnswerKind.ArmError, Status = 503, ErrorCode = "ServiceUnavailable", ErrorMessage = "Too slow.", Delay = delay };

    /// <summary>HTTP 429 with a Retry-After in the given form.</summary>
    public static FakeFault Throttled(TimeSpan retryAfter, RetryAfterForm form = RetryAfterForm.Seconds) =>
        new($"429 Retry-After {retryAfter.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms as {form}")
        {
            Kind = AnswerKind.ArmError,
            Status = 429,
            ErrorCode = "TooManyRequests",
            ErrorMessage = "The request is being throttled.",
            RetryAfter = retryAfter,
            RetryAfterForm = form,
        };

    /// <summary>A server error: 500, 502, 503 or 504, with a CloudError body.</summary>
    public static FakeFault ServerError(int status = 500) =>
        status is 500 or 502 or 503 or 504
            ? new($"{status}") { Kind = AnswerKind.ArmError, Status = status, ErrorCode = status == 500 ? "InternalServerError" : "ServiceUnavailable", ErrorMessage = "The service is temporarily unavailable." }
            : throw new ArgumentOutOfRangeException(nameof(status), status, "status must be 500, 502, 503 or 504.");

    /// <summary>Any ARM error (for example 413, 403 AuthorizationFailed, 400 KubernetesPerformanceError), with an optional <c>error.target</c>.</summary>
    public static FakeFault ArmError(int status, string code, string message, string? target = null) =>
        new($"{status} {code}") { Kind = AnswerKind.ArmError, Status = status, ErrorCode = code, ErrorMessage = message, ErrorTarget = target };

    /// <summary>The command is accepted, with a Location on another host (start only); a client must not call it.</summary>
    public static FakeFault LocationOnHost(Uri host) =>
        new($"Location on {host}") { Kind = AnswerKind.Accepted, Status = 202, LocationHost = host ?? throw new ArgumentNullException(nameof(host)) };

    /// <summary>
    /// The command is accepted and registered, and the 202's Location is exactly <paramref name="location"/>
    /// (start only); <c>{id}</c> in it becomes the id the fake assigned.
    /// </summary>
    public static FakeFault AcceptedWithLocation(string location) =>
        new($"Location {location}") { Kind = AnswerKind.Accepted, Status = 202, Location = location ?? throw new ArgumentNullException(nameof(location)) };

    /// <summary>A 202 that reports <paramref name="state"/> (poll only); the command's own script does not advance.</summary>
    public static FakeFault Running(string state = ProvisioningStates.Running) =>
        new($"202 {state}") { Kind = AnswerKind.Running, Status = 202, State = state ?? throw new ArgumentNullException(nameof(state)) };

    /// <summary>An answer of your own, sent as it is: a status and a body (JSON content type when there is one); add headers with <see cref="WithHeader"/>.</summary>
    public static FakeFault Reply(int status, string? body = null) =>
        status is >= 100 and <= 999
            ? new($"{status} reply") { Kind = AnswerKind.Reply, Status = status, Body = body }
            : throw new ArgumentOutOfRangeException(nameof(status), status, "status must be a three-digit HTTP status.");

    /// <summary>
    /// This answer with a header set to <paramref name="values"/> (one line per value, so a header can be
    /// repeated), in place of any header of that name the fake would send.
    /// </summary>
    public FakeFault WithHeader(string name, params string[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        var headers = Headers.Where(h => !string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Append(new(name, [.. values])).ToList();
        return new FakeFault(this, $"{Name}, {name}: {string.Join(", ", values)}", headers, Delay);
    }

    /// <summary>
    /// This answer, sent <paramref name="delay"/> of real time after the request arrived. The fake decides at once: an
    /// accepted command is registered (and in <see cref="FakeAks.Runs"/> with its id) while its 202 is still on the way,
    /// as when the service accepted a run request whose answer the client never got.
    /// </summary>
    public FakeFault After(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new FakeFault(this, $"{Name}, after {delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms", Headers, delay);
    }

    /// <summary>The description.</summary>
    public override string ToString() => Name;

    internal bool Accepts => Kind is AnswerKind.Accepted or AnswerKind.AcceptedWithoutLocation;
}
