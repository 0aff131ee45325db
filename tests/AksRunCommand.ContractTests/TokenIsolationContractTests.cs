using AksRunCommand.Testing;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// The host in a Location is never called, so a token never reaches it.
public sealed class TokenIsolationContractTests : FakeAksTestBase
{
    [Fact]
    public async Task LocationOnAnotherHost_IsNeverCalled()
    {
        using var foreign = FakeAks.Start();
        Fake.When("ls").OnStart(FakeFault.LocationOnHost(foreign.Endpoint)).ExitsWith(0, "done\n");

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("ls")));

        Assert.Equal("done\n", operation.Value.Logs);
        Assert.Empty(foreign.Runs);
        Assert.Empty(foreign.Polls);
        Assert.All(Fake.Polls, p => Assert.True(p.AuthorizationPresent));
    }
}
