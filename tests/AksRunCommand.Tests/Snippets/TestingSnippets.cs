using AksRunCommand.Testing;
using Azure;

namespace AksRunCommand.Tests.Snippets;

// The README's "Testing your code" example, run as a test.
public sealed class TestingSnippets
{
    // Code under test, as a consumer would have it.
    private sealed class Deployer(AksRunCommandClient client)
    {
        public async Task<bool> RolloutAsync(ClusterId cluster, CancellationToken cancellationToken)
        {
            var operation = await client.RunCommandAsync(WaitUntil.Completed, cluster, new RunCommandContent("kubectl rollout status deploy/web"), cancellationToken);
            return operation.Value.IsSuccess;
        }
    }

    [Fact]
    public async Task Readme_TestingYourCode()
    {
        #region Snippet:TestingYourCode
        var clock = new ManualClock();                        // fake time: polls, retries and backoff cost no real time
        using var aks = FakeAks.Start(new FakeAksOptions { TimeProvider = clock });
        aks.When("kubectl rollout status deploy/web")
            .RunningFor(polls: 2)
            .ExitsWith(0, "deployment \"web\" successfully rolled out\n")
            .OnPoll(FakeFault.ServerError(503));              // one flaky poll, retried by the client

        var cluster = new ClusterId("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
        var deployer = new Deployer(aks.CreateClient(o => o.TimeProvider = clock)); // a real client pointed at the fake, on its clock
        bool rolledOut = await clock.RunAsync(deployer.RolloutAsync(cluster, CancellationToken.None));

        Assert.True(rolledOut);
        RecordedRun run = Assert.Single(aks.Runs);            // what your code sent, in domain terms
        Assert.Equal("kubectl rollout status deploy/web", run.Command);
        Assert.True(run.AuthorizationPresent);
        Assert.Equal(4, aks.Polls.Count);                     // 503, Running, Running, Succeeded
        #endregion
    }
}
