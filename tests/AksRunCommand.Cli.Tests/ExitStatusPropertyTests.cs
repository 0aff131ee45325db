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
        await Gen.Select(ArmAnswer.Start.Array[1, 3], ArmAnswer.Poll.Array[0, 5], ArmAnswer.CommandIds).SampleAsync(
            async (starts, polls, id) =>
            {
                using var arm = new RawHttpServer();
                using var foreign = new RawHttpServer();
                ArmAnswer.Script(arm, foreign.Url, id, starts, polls);

                arm.Otherwise(
                    post: RawHttpServer.Reply(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", "Retry-After: 1"),
                    get: RawHttpServer.Reply(200, """{"id":"x","properties":{"provisioningState":"Succeeded","exitCode":7,"logs":""}}"""));
                using var cli = new CliDriver(requireToken: false, startFake: false);
                var run = await cli.RunAsync(["invoke", "-c", "ls", "--subscription", ArmAnswer.Subscription, "-g", "rg1", "-n", "aks1", "--endpoint", arm.Url.ToString()]);

                var served = arm.Log.Where(r => r.Method == "GET").Select((_, i) => i < polls.Length ? polls[i] : null).ToList();
                var remoteCodes = served.Select(a => a is null ? 7 : a.ExitCode).Where(c => c is not null).Select(c => c!.Value)
                    .Concat(starts.Where(s => s.ExitCode is not null).Select(s => s.ExitCode!.Value))
                    .ToHashSet();
                var errorLines = run.StderrLines.Count(l => l.StartsWith("aks-run: error:", StringComparison.Ordinal));

                // The contract (DESIGN.md section 6), not the code's rule: the remote code where it fits an exit status;
                // a code that does not fit exits non-zero; never 0 unless the remote code was 0; 255 for the tool's own
                // failures, with exactly one error line.
                var fromRemote = remoteCodes.Any(c => c is >= 0 and <= 255 ? run.ExitCode == c : run.ExitCode is >= 1 and <= 255);
                if (run.ExitCode == 0 && !remoteCodes.Contains(0))
                {
                    throw new InvalidOperationException($"exit 0, but no remote command exited 0 ({string.Join(", ", remoteCodes)}); stderr: {run.Stderr}");
                }

                if (run.ExitCode != 255 && !fromRemote)
                {
                    throw new InvalidOperationException($"exit {run.ExitCode}, neither 255 nor what a remote exit code ({string.Join(", ", remoteCodes)}) allows; stderr: {run.Stderr}");
                }

                if (errorLines > 1 || (run.ExitCode == 255 && errorLines == 0 && !remoteCodes.Any(c => c == 255 || c is < 0 or > 255)) || (errorLines == 1 && run.ExitCode != 255))
                {
                    throw new InvalidOperationException($"exit {run.ExitCode} with {errorLines} error line(s): {run.Stderr}");
                }

                if (run.Stderr.Contains("   at ", StringComparison.Ordinal) || run.Stderr.Contains(CliDriver.Token, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("a stack trace or the token on stderr: " + run.Stderr);
                }
            },
            writeLine: output.WriteLine,
            iter: 1000,
            threads: 2,
            print: c => $"start: [{string.Join("; ", c.Item1.Select(a => a.ToString()))}] polls: [{string.Join("; ", c.Item2.Select(a => a.ToString()))}] id: {c.Item3}");
    }
}
