using AksRunCommand.Testing;
using AksRunCommand.Tests.Shared;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// Faults on the poll: GETs are idempotent, so each is retried; the run request is never sent again.
public sealed class PollFaultContractTests : FakeAksTestBase
{
    public static TheoryData<string> Faults => new() { "429-seconds", "429-date", "429-ms", "429-xms", "500", "502", "503", "504", "empty", "chunk", "json" };

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
            _ => FakeFault.ServerError(int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)),
        };
        Fake.When("ls").RunningFor(0).ExitsWith(0, "ok\n").OnPoll(fault, times: 2);

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("ls")));

        Assert.Equal("ok\n", operation.Value.Logs);
        Assert.Single(Fake.Runs);
        Assert.Equal(3, Fake.Polls.Count);
    }

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
