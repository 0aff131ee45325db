using AksRunCommand.Tests.Shared;
using CsCheck;
using Xunit.Abstractions;

namespace AksRunCommand.Cli.Tests;

// Whatever ARM answers, aks-run's exit status is the remote command's exit code (when one arrived) or 255.
public sealed class ExitStatusPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Invoke_AnySequenceOfAnswers_ExitsWithTheRemoteCodeOr255()
    {
        await Gen.Select(ArmAnswer.Start.Array[1, 3], ArmAnswer.Poll.Array[0, 5]).SampleAsync(
            async (starts, polls) =>
            {
                using var arm = new RawHttpServer();
                using var foreign = new RawHttpServer();
                var id = Guid.NewGuid().ToString("N");
                ArmAnswer.Script(arm, foreign.Url, id, starts, polls);

                arm.Otherwise(
                    post: RawHttpServer.Reply(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", "Retry-After: 1"),
                    get: RawHttpServer.Reply(200, """{"id":"x","properties":{"provisioningState":"Succeeded","exitCode":7,"logs":""}}"""));
                using var cli = new CliDriver(requireToken: false, startFake: false);
                var run = await cli.RunAsync(["invoke", "-c", "ls", "--subscription", ArmAnswer.Subscription, "-g", "rg1", "-n", "aks1", "--endpoint", arm.Url.ToString()]);

                var served = arm.Log.Where(r => r.Method == "GET").Select((_, i) => i < polls.Length ? polls[i] : null).ToList();
                var remoteCodes = served.Select(a => a is null ? 7 : a.ExitCode).Where(c => c is not null).Select(c => c!.Value & 0xFF)
                    .Concat(starts.Where(s => s.ExitCode is not null).Select(s => s.ExitCode!.Value & 0xFF))
                    .ToHashSet();
                if (run.ExitCode != 255 && !remoteCodes.Contains(run.ExitCode))
                {
                    throw new InvalidOperationException($"exit {run.ExitCode}, neither 255 nor a remote exit code ({string.Join(", ", remoteCodes)}); stderr: {run.Stderr}");
                }

                if (run.ExitCode == 255 && !remoteCodes.Contains(255) && run.StderrLines.Count(l => l.StartsWith("aks-run: error:", StringComparison.Ordinal)) != 1)
                {
                    throw new InvalidOperationException("255 without exactly one error line: " + run.Stderr);
                }

                if (run.Stderr.Contains("   at ", StringComparison.Ordinal) || run.Stderr.Contains(CliDriver.Token, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("a stack trace or the token on stderr: " + run.Stderr);
                }
            },
            writeLine: output.WriteLine,
            iter: 1000,
            threads: 2,
            print: c => $"start: [{string.Join("; ", c.Item1.Select(a => a.ToString()))}] polls: [{string.Join("; ", c.Item2.Select(a => a.ToString()))}]");
    }
}
