using AksRunCommand.Testing;
using AksRunCommand.Tests.Shared;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// Faults on the poll: GETs are idempotent, so each is retried; the run request is never sent again.
public sealed class PollFaultContractTests : FakeAksTestBase
{
    public static TheoryData<string> Faults => new() { "429-seconds", "429-date", "429-ms", "429-xms", "408", "500", "502", "503", "504", "empty", "chunk", "json",
        "state-a-number", "exit-code-a-string", "exit-code-too-large", "exit-code-a-fraction", "started-at-a-number", "logs-an-array", "properties-a-string", "body-an-array" };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task PollFault_IsRetriedAndTheCommandCompletes(string name)
    {
        var fault = name switch
        {
            "429-seconds" => FakeFault.Throttled(TimeSpan.FromSeconds(2)),
            "429-date" => FakeFault.Throttled(TimeSpan.FromSeconds(3), RetryAfterForm.HttpDate),
            "429-ms" => FakeFault.Throttled(TimeSpan.FromMilliseconds(2500), RetryAfterForm.RetryAfterMs),
            "429-xms" => FakeFault.Throttled(TimeSpan.FromMilliseconds(1500), RetryAfterForm.XMsRetryAfterMs),
            "empty" => FakeFault.EmptyResponse,
            "chunk" => FakeFault.MalformedChunk,
            "json" => FakeFault.MalformedJsonBody,
            "408" => FakeFault.ArmError(408, "RequestTimeout", "The request timed out."),
            // A 200 whose body is valid JSON with values of the wrong types: unreadable, so retried (README, faults).
            "state-a-number" => Result("""{"provisioningState":5,"exitCode":0}"""),
            "exit-code-a-string" => Result("""{"provisioningState":"Succeeded","exitCode":"abc"}"""),
            "exit-code-too-large" => Result("""{"provisioningState":"Succeeded","exitCode":1e20}"""),
            "exit-code-a-fraction" => Result("""{"provisioningState":"Succeeded","exitCode":-3.5}"""),
            "started-at-a-number" => Result("""{"provisioningState":"Succeeded","exitCode":0,"startedAt":12}"""),
            "logs-an-array" => Result("""{"provisioningState":"Succeeded","exitCode":0,"logs":[1]}"""),
            "properties-a-string" => FakeFault.Reply(200, """{"id":"x","properties":"Succeeded"}"""),
            "body-an-array" => FakeFault.Reply(200, "[1,2]"),
            _ => FakeFault.ServerError(int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)),
        };
        Fake.When("ls").RunningFor(0).ExitsWith(0, "ok\n").OnPoll(fault, times: 2);

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("ls")));

        Assert.Equal("ok\n", operation.Value.Logs);
        Assert.Single(Fake.Runs);
        Assert.Equal(3, Fake.Polls.Count);
    }

    private static FakeFault Result(string properties) => FakeFault.Reply(200, $$"""{"id":"x","properties":{{properties}}}""");

    [Fact]
    public async Task PollAnswerLaterThanTheHttpTimeout_IsRetried()
    {
        Fake.When("ls").RunningFor(0).ExitsWith(0, "ok\n");
        var operation = await Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls"));
        using var transport = new AnswerArrivesTooLate(times: 1, new SocketsHttpHandler());
        var resumed = Fake.CreateClient(o => { o.TimeProvider = Clock; o.Transport = Clock.HoldDuringRequests(transport); }).GetRunCommandOperation(Cluster, operation.Id);

        var result = await Clock.RunAsync(resumed.WaitForCompletionAsync());

        Assert.Equal("ok\n", result.Logs);
        Assert.Equal(2, Fake.Polls.Count);
        Assert.Single(Fake.Runs);
    }

    [Fact]
    public async Task PersistentPollFault_EndsWithAnErrorThatSaysHowToResume()
    {
        Fake.When("ls").OnPoll(FakeFault.ServerError(503), times: 100);

        var operation = await Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls"));
        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Clock.RunAsync(operation.WaitForCompletionAsync()));

        Assert.Equal(503, error.Status);
        Assert.Equal(operation.Id, error.CommandId);
        Assert.Contains($"resume the wait with GetRunCommandOperation(cluster, \"{operation.Id}\")", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, Fake.Polls.Count); // the poll and its 5 retries
        Assert.Single(Fake.Runs);
    }

    [Fact]
    public async Task UnknownCommandId_Gives404()
    {
        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() =>
            Clock.RunAsync(Client.GetRunCommandOperation(Cluster, "0123456789abcdef0123456789abcdef").WaitForCompletionAsync()));

        Assert.Equal(404, error.Status);
        Assert.Contains("unknown or has expired", error.Message, StringComparison.Ordinal);
        Assert.Single(Fake.Polls);
    }
}
