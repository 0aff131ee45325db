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
// any host but the configured one; no token in any message or log line; once a POST was accepted, every outcome
// carries its id; every call ends, in virtual time; every failure is of the library's exception family.
public sealed class RunCommandPropertyTests(ITestOutputHelper output)
{
    private static readonly string Succeeded = RawHttpServer.Reply(200, """{"id":"x","properties":{"provisioningState":"Succeeded","exitCode":0,"logs":"fallback"}}""");
    private static readonly string Throttled = RawHttpServer.Reply(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", "Retry-After: 1");

    [Fact]
    public async Task RunCommand_AnySequenceOfAnswers_KeepsEveryRule()
    {
        await Gen.Select(ArmAnswer.Start.Array[1, 3], ArmAnswer.Poll.Array[0, 6]).SampleAsync(
            CheckAsync,
            writeLine: output.WriteLine,
            iter: 1000,
            threads: 2,
            print: c => $"start: [{string.Join("; ", c.Item1.Select(a => a.ToString()))}] polls: [{string.Join("; ", c.Item2.Select(a => a.ToString()))}]");
    }

    private static async Task CheckAsync(ArmAnswer[] starts, ArmAnswer[] polls)
    {
        using var arm = new RawHttpServer();
        using var foreign = new RawHttpServer();
        var id = Guid.NewGuid().ToString("N");
        ArmAnswer.Script(arm, foreign.Url, id, starts, polls);

        arm.Otherwise(post: Throttled, get: Succeeded); // so every case ends: the POST keeps being throttled, polls succeed
        var clock = new ManualClock();
        var logs = new CapturingLoggerProvider();
        var client = new AksRunCommandClient(new SentinelCredential(), new AksRunCommandClientOptions
        {
            Endpoint = arm.Url,
            TimeProvider = clock,
            LoggerFactory = LoggerFactory.Create(b => b.AddProvider(logs)),
            Randomizer = new Random(id.GetHashCode(StringComparison.Ordinal)).NextDouble,
        });

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

        if (foreign.Requests > 0)
        {
            throw new InvalidOperationException($"{foreign.Requests} request(s) went to the host of a foreign Location");
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

        var accepted = posts.Count > 0 && posts.Count <= starts.Length && starts[posts.Count - 1].AcceptsWithUsableId;
        if (accepted)
        {
            var carried = result?.CommandId ?? (error as AksRunCommandException)?.CommandId;
            if (carried != id)
            {
                throw new InvalidOperationException($"the command was accepted as {id} but the outcome carries '{carried}': {(object?)error ?? result}");
            }
        }
    }
}
