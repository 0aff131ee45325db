using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Tests.Shared;
using CsCheck;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Operations;

// Against every sequence of answers a fake ARM can give (any status, Location, Retry-After, body, resets), the
// rules hold: at most one POST unless every earlier answer proved the command was not accepted; no request to
// any host but the configured one (every request the transport sends is seen, and every host an answer names
// listens); no wait longer than the clamp allows; no token in any message or log line; a 2xx without a usable id
// fails with its request ids and says the command may have started; once a POST was accepted, every outcome
// carries its id; every call ends, in virtual time; every failure is of the library's exception family. The
// command id and the jitter come from the case, so the seed CsCheck prints replays a failure.
public sealed class RunCommandPropertyTests(ITestOutputHelper output)
{
    // The longest single wait: a Retry-After clamped to 10 minutes, plus the retry's jitter of at most 10 %; the
    // client's backoff alone never passes ArmRetryOptions.MaxDelay.
    private static readonly TimeSpan LongestRetryAfterWait = TimeSpan.FromMinutes(10) * 1.1;

    private static readonly string Succeeded = RawHttpServer.Reply(200, """{"id":"x","properties":{"provisioningState":"Succeeded","exitCode":0,"logs":"fallback"}}""");
    private static readonly string Throttled = RawHttpServer.Reply(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", "Retry-After: 1");

    [Fact]
    public async Task RunCommand_AnySequenceOfAnswers_KeepsEveryRule()
    {
        await Gen.Select(ArmAnswer.Start.Array[1, 3], ArmAnswer.Poll.Array[0, 6], ArmAnswer.CommandIds, Gen.Int).SampleAsync(
            CheckAsync,
            writeLine: output.WriteLine,
            iter: 1000,
            threads: 2,
            print: c => $"start: [{string.Join("; ", c.Item1.Select(a => a.ToString()))}] polls: [{string.Join("; ", c.Item2.Select(a => a.ToString()))}] id: {c.Item3} jitter seed: {c.Item4}");
    }

    private static async Task CheckAsync(ArmAnswer[] starts, ArmAnswer[] polls, string id, int jitterSeed)
    {
        using var arm = new RawHttpServer();
        using var foreign = new RawHttpServer();
        ArmAnswer.Script(arm, foreign.Url, id, starts, polls);

        arm.Otherwise(post: Throttled, get: Succeeded); // so every case ends: the POST keeps being throttled, polls succeed
        var clock = new ManualClock();
        var waits = new WaitRecordingClock(clock);
        var transport = new RequestRecorder();
        var logs = new CapturingLoggerProvider();
        var options = new AksRunCommandClientOptions
        {
            Endpoint = arm.Url,
            TimeProvider = waits,
            Transport = clock.HoldDuringRequests(transport),
            LoggerFactory = LoggerFactory.Create(b => b.AddProvider(logs)),
            Randomizer = new Random(jitterSeed).NextDouble,
        };
        var client = new AksRunCommandClient(new SentinelCredential(), options);

        CommandResult? result = null;
        Exception? error = null;
        try
        {
            var operation = await clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, ArmAnswer.Cluster, new RunCommandContent("ls")));
            result = operation.Value;
        }
        catch (TimeoutException e) when (e.Message.StartsWith("ManualClock", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the call did not end in virtual time", e);
        }
        catch (Exception e)
        {
            error = e;
        }

        // At most one POST, unless every answer before the next one proved the command was not accepted.
        var posts = arm.Log.Where(r => r.Method == "POST").ToList();
        for (var i = 1; i < posts.Count; i++)
        {
            var earlier = Enumerable.Range(0, i).Select(j => j < starts.Length ? starts[j] : null).ToList();
            if (!earlier.TrueForAll(a => a is null || a.ProvesNotAccepted))
            {
                throw new InvalidOperationException($"POST {i + 1} was sent after [{string.Join("; ", earlier)}]");
            }
        }

        if (transport.Requests.FirstOrDefault(u => u.GetLeftPart(UriPartial.Authority) != arm.Url.GetLeftPart(UriPartial.Authority)) is { } elsewhere)
        {
            throw new InvalidOperationException($"a request went to {elsewhere}, not to the configured endpoint {arm.Url}");
        }

        if (foreign.Requests > 0)
        {
            throw new InvalidOperationException($"{foreign.Requests} request(s) went to the host of a foreign Location");
        }

        var longest = LongestRetryAfterWait > options.Retry.MaxDelay ? LongestRetryAfterWait : options.Retry.MaxDelay;
        if (waits.Waits.Any(w => w > longest))
        {
            throw new InvalidOperationException($"the client waited {waits.Waits.Max()} at once (at most {longest}); waits: {string.Join(", ", waits.Waits)}");
        }

        var texts = logs.Lines.Select(l => l.Message).Append(error?.ToString() ?? string.Empty).Append(result?.ToString() ?? string.Empty);
        if (texts.FirstOrDefault(t => t.Contains("SENTINEL", StringComparison.Ordinal)) is { } leak)
        {
            throw new InvalidOperationException("a token appeared in: " + leak);
        }

        if (error is not null && error is not AksRunCommandException and not RunCommandWaitCanceledException and not RunCommandStartCanceledException)
        {
            throw new InvalidOperationException($"a failure outside the library's exception family: {error}");
        }

        var last = posts.Count > 0 && posts.Count <= starts.Length ? starts[posts.Count - 1] : null;
        if (last is { AcceptsWithoutUsableId: true })
        {
            var (requestId, correlationRequestId) = ArmAnswer.RequestIds(id);
            if (error is not ArmRequestFailedException { CommandMayHaveStarted: true } refused || refused.RequestId != requestId || refused.CorrelationRequestId != correlationRequestId || refused.CommandId is not null)
            {
                throw new InvalidOperationException($"a 2xx without a usable id ({last}) did not end in an error that may have started, with request ids {requestId} and {correlationRequestId}: {(object?)error ?? result}");
            }
        }

        if (last is { AcceptsWithUsableId: true })
        {
            var carried = result?.CommandId ?? (error as AksRunCommandException)?.CommandId;
            if (carried != id)
            {
                throw new InvalidOperationException($"the command was accepted as {id} but the outcome carries '{carried}': {(object?)error ?? result}");
            }
        }
    }
}
