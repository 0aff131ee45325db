using System.Globalization;
using CsCheck;

namespace AksRunCommand.Tests.Shared;

/// <summary>
/// One answer of a hostile or flaky ARM, for property tests: any status, a Location that is usable, foreign,
/// absent or garbage, a Retry-After in every form or none or nonsense, a body that is valid, truncated, of the
/// wrong types, empty or large, or a reset connection. Rendered to raw HTTP for <see cref="RawHttpServer"/>; every host
/// an answer names is the server's own or the foreign one, both on loopback, so a request that follows one is seen.
/// </summary>
public sealed record ArmAnswer(string Kind, int Status, string? Location, (string Name, string Value)? RetryAfter, string? Body, int? ExitCode)
{
    public const string Subscription = "00000000-0000-0000-0000-000000000000";

    /// <summary>The cluster every answer is about.</summary>
    public static ClusterId Cluster { get; } = new(Subscription, "rg1", "aks1");

    /// <summary>True when this answer accepts a command with an id the client can use (the rule the client applies).</summary>
    public bool AcceptsWithUsableId => Status is 201 or 202 && Location is "same" or "foreign";

    /// <summary>
    /// True when this answer to the run request is a 2xx without an id the client can use (no Location, garbage, no id,
    /// an id that is not one visible-ASCII segment, a 200 whose body is no result with an id): the command may be running
    /// under an id nobody knows, so the client must fail with the request ids and say it may have started.
    /// </summary>
    public bool AcceptsWithoutUsableId => Status is >= 200 and < 300 && !AcceptsWithUsableId && Kind != "finished-on-start";

    /// <summary>True when this answer proves the run request was not accepted, so the client may send it again.</summary>
    public bool ProvesNotAccepted => Status == 429 || Kind == "missing-cluster-token";

    // Declared first: static initializers run in order, and the public generators below use these.
    private static Gen<string?> LocationKinds { get; } = Gen.OneOf<string?>("same", "same", "same", "foreign", null, "garbage", "no-id", "bad-id", "other-path");

    private static Gen<(string Name, string Value)?> RetryAfters { get; } = Gen.OneOf<(string, string)?>(
        null, null, ("Retry-After", "2"), ("Retry-After", "0"), ("Retry-After", "2.5"), ("retry-after-ms", "1500"), ("x-ms-retry-after-ms", "700"),
        ("Retry-After", "Sat, 28 Nov 2026 12:00:03 GMT"), ("Retry-After", "Saturday, 28-Nov-26 12:00:04 GMT"), ("Retry-After", "Sat Nov 28 12:00:05 2026"),
        ("Retry-After", "Infinity"), ("Retry-After", "1e300"), ("Retry-After", "-5"), ("Retry-After", "99999999"), ("Retry-After", "soon"), ("retry-after-ms", "NaN"));

    // Exit codes of every kind: in range, past 255, multiples of 256 (which wrap to 0 as a process exit status), negative.
    private static Gen<int> ExitCodes { get; } = Gen.Frequency((4, Gen.Int[0, 300]), (1, Gen.OneOf(Gen.Const(256), Gen.Const(512), Gen.Const(-1), Gen.Const(-256), Gen.Const(int.MaxValue), Gen.Const(int.MinValue), Gen.Int[-1000, 100_000])));

    private static Gen<ArmAnswer> Results { get; } = Gen.OneOf(
        Gen.Select(ExitCodes, Gen.OneOf("ok\n", string.Empty, new string('l', 100_000)), (exit, logs) => new ArmAnswer("succeeded", 200, null, null, Result("Succeeded", exit, logs), exit)),
        Gen.Select(ExitCodes, exit => new ArmAnswer("succeeded", 200, null, null, Result("succeeded", exit, "done"), exit)),
        Gen.Const(new ArmAnswer("failed", 200, null, null, """{"id":"x","properties":{"provisioningState":"Failed","reason":"ImagePullBackoff"}}""", null)),
        Gen.OneOf(
            """{"id":"x","properties":{"provisi""",
            """{"properties":{"provisioningState":5,"exitCode":"abc","startedAt":12,"logs":[1]}}""",
            """{"properties":{"provisioningState":"Succeeded","exitCode":1e20}}""",
            """{"properties":{"provisioningState":"Succeeded","exitCode":-3.5}}""",
            "<html>oops</html>",
            "[1,2]",
            "null",
            string.Empty).Select(body => new ArmAnswer("unreadable", 200, null, null, body, null)));

    /// <summary>Answers to a run request (the POST).</summary>
    public static Gen<ArmAnswer> Start { get; } = Gen.OneOf(
        Gen.Select(Gen.OneOf(201, 202, 202, 202), LocationKinds, RetryAfters, (status, location, retryAfter) => new ArmAnswer("accepted", status, location, retryAfter, null, null)),
        Gen.Select(Gen.OneOf(429, 429), RetryAfters, (status, retryAfter) => new ArmAnswer("throttled", status, null, retryAfter, Error("TooManyRequests"), null)),
        Gen.Const(new ArmAnswer("missing-cluster-token", 400, null, null, Error("MissingAADClusterToken"), null)),
        Gen.Select(Gen.OneOf(400, 401, 403, 404, 409, 413, 500, 502, 503, 504, 301, 307, 204), Gen.OneOf(Error("Boom"), "<html>not json</html>", string.Empty), (status, body) => new ArmAnswer("error", status, status is 301 or 307 ? "same" : null, null, body, null)),
        Gen.Select(Results, result => result with { Kind = result.Kind == "unreadable" ? "unreadable-on-start" : "finished-on-start" }),
        Gen.Const(new ArmAnswer("reset", 0, null, null, null, null)));

    /// <summary>Answers to a poll (the GET).</summary>
    public static Gen<ArmAnswer> Poll { get; } = Gen.OneOf(
        Gen.Select(RetryAfters, Gen.OneOf(Running("Running"), Running("Pending"), Running("running"), string.Empty, "{not json", "[]"), LocationKinds, (retryAfter, body, location) => new ArmAnswer("running", 202, location, retryAfter, body, null)),
        Results,
        Gen.Select(Gen.OneOf(400, 401, 403, 404, 408, 429, 500, 502, 503, 504, 204, 301), RetryAfters, Gen.OneOf(Error("Boom"), "<html>not json</html>", string.Empty), (status, retryAfter, body) => new ArmAnswer("error", status, null, retryAfter, body, null)),
        Gen.Const(new ArmAnswer("reset", 0, null, null, null, null)));

    /// <summary>Command ids as the service makes them (32 hex digits), drawn from a case so that its seed replays it.</summary>
    public static Gen<string> CommandIds { get; } = Gen.Select(Gen.ULong, Gen.ULong, (high, low) => $"{high:x16}{low:x16}");

    /// <summary>The request id headers every answer but a reset carries, made from the command id.</summary>
    public static (string RequestId, string CorrelationRequestId) RequestIds(string commandId) => ("req-" + commandId, "corr-" + commandId);

    /// <summary>The raw HTTP answer; null for a reset connection.</summary>
    public string? Render(Uri self, Uri foreign, string commandId)
    {
        if (Kind == "reset")
        {
            return null;
        }

        var (requestId, correlationRequestId) = RequestIds(commandId);
        var headers = new List<string> { "x-ms-request-id: " + requestId, "x-ms-correlation-request-id: " + correlationRequestId };
        if (Location is { } kind)
        {
            headers.Add("Location: " + kind switch
            {
                "same" => ResultsUrl(self, commandId),
                "foreign" => ResultsUrl(foreign, commandId),
                "garbage" => "::not a url::",
                "no-id" => ResultsUrl(self, string.Empty),
                "bad-id" => ResultsUrl(self, "a%01b"),
                _ => foreign.GetLeftPart(UriPartial.Authority) + "/elsewhere/operations/1",
            });
        }

        if (RetryAfter is { } retryAfter)
        {
            headers.Add($"{retryAfter.Name}: {retryAfter.Value}");
        }

        return RawHttpServer.Reply(Status, Body ?? string.Empty, [.. headers]);
    }

    /// <summary>Scripts <paramref name="arm"/> with these answers to the run request and the polls, in order.</summary>
    public static void Script(RawHttpServer arm, Uri foreign, string commandId, IEnumerable<ArmAnswer> starts, IEnumerable<ArmAnswer> polls)
    {
        foreach (var answer in starts)
        {
            arm.OnPost(answer.Render(arm.Url, foreign, commandId));
        }

        foreach (var answer in polls)
        {
            arm.OnGet(answer.Render(arm.Url, foreign, commandId));
        }
    }

    public override string ToString() =>
        $"{Kind} {Status}{(Location is null ? string.Empty : " loc=" + Location)}{(RetryAfter is { } r ? $" {r.Name}={r.Value}" : string.Empty)}{(Body is { Length: > 40 } b ? $" body[{b.Length}]" : Body is { Length: > 0 } s ? $" body={s}" : string.Empty)}";

    private static string ResultsUrl(Uri host, string id) =>
        $"{host.GetLeftPart(UriPartial.Authority)}/subscriptions/{Subscription}/resourcegroups/rg1/providers/Microsoft.ContainerService/managedclusters/aks1/commandResults/{id}?api-version=2024-02-01";

    private static string Error(string code) => $$$"""{"error":{"code":"{{{code}}}","message":"{{{code}}} happened."}}""";

    private static string Running(string state) => $$$"""{"id":"x","properties":{"provisioningState":"{{{state}}}"}}""";

    private static string Result(string state, int exit, string logs) =>
        $$$"""{"id":"x","properties":{"provisioningState":"{{{state}}}","exitCode":{{{exit.ToString(CultureInfo.InvariantCulture)}}},"startedAt":"2026-11-28T12:00:00Z","finishedAt":"2026-11-28T12:00:09Z","logs":"{{{logs.Replace("\n", "\\n", StringComparison.Ordinal)}}}"}}""";
}
