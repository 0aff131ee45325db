using AksRunCommand.Testing;
using AksRunCommand.Tests.Shared;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// The client against the fake over real HTTP on loopback: what was sent, and what came back.
public sealed class RunCommandContractTests : FakeAksTestBase
{
    [Fact]
    public async Task RestReferenceExample_ApplyWithContext_SendsRequestAndReturnsLogs()
    {
        Fake.When("kubectl apply -f ns.yaml").ExitsWith(0, "namespace dummy created");
        var content = new RunCommandContent("kubectl apply -f ns.yaml")
        {
            Context = new CommandContextBuilder().AddText("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dummy\n").Build(),
        };

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, content));

        var run = Assert.Single(Fake.Runs);
        Assert.Equal(Cluster, run.Cluster);
        Assert.Equal("kubectl apply -f ns.yaml", run.Command);
        Assert.Equal(AksRunCommandClientOptions.DefaultApiVersion, run.ApiVersion);
        Assert.True(run.AuthorizationPresent);
        Assert.Equal("[redacted]", run.Headers["Authorization"]);
        Assert.False(run.ClusterTokenPresent);
        var file = Assert.Single(run.ContextFiles);
        Assert.Equal("ns.yaml", file.Name);
        Assert.Equal("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dummy\n"u8.ToArray(), file.Content);
        Assert.All(Fake.Polls, p => Assert.Equal((run.CommandId, AksRunCommandClientOptions.DefaultApiVersion, true), (p.CommandId, p.ApiVersion, p.AuthorizationPresent)));
        Assert.Equal(run.CommandId, operation.Id);
        Assert.Matches("^[0-9a-f]{32}$", operation.Id);
        Assert.Equal("namespace dummy created", operation.Value.Logs);
        Assert.Equal(0, operation.Value.ExitCode);
    }

    // The service cuts output at 512,000 bytes (README, CommandResult.ServiceLogLimitBytes): bytes of UTF-8, not characters.
    [Theory]
    [InlineData(511_999, false)]
    [InlineData(512_000, true)]
    public async Task LogsAtTheServiceLimit_AreLikelyTruncated_CountedInBytes(int bytes, bool truncated)
    {
        var logs = new string('ü', bytes / 2) + (bytes % 2 == 1 ? "x" : string.Empty); // two bytes a character: half as many characters
        Fake.When("cat big.log").ExitsWith(0, logs);

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("cat big.log")));

        Assert.Equal(bytes, System.Text.Encoding.UTF8.GetByteCount(operation.Value.Logs));
        Assert.Equal(logs, operation.Value.Logs);
        Assert.Equal(truncated, operation.Value.LogsLikelyTruncated);
    }

    [Fact]
    public async Task NonZeroExitCode_IsReturnedAsRun()
    {
        Fake.When("false").ExitsWith(3, "oops\n");

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("false")));

        Assert.True(operation.Value.HasRun);
        Assert.Equal(3, operation.Value.ExitCode);
        Assert.Equal("oops\n", operation.Value.Logs);
        Assert.Throws<CommandFailedException>(() => operation.Value.EnsureSuccess());
    }

    [Fact]
    public async Task FailedProvisioning_GivesReason()
    {
        Fake.When("kubectl get pods").Fails("ImagePullBackoff");

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("kubectl get pods")));

        Assert.False(operation.Value.HasRun);
        Assert.Equal("Failed", operation.Value.ProvisioningState);
        Assert.Equal("ImagePullBackoff", operation.Value.Reason);
        Assert.Null(operation.Value.ExitCode);
    }

    [Theory]
    [InlineData(false, "Running", "Succeeded")]
    [InlineData(true, "running", "succeeded")]
    public async Task StatesInEitherCasing_AreUnderstood(bool lowercase, string running, string succeeded)
    {
        var script = Fake.When("ls").RunningFor(2).ExitsWith(0, "a\nb\n");
        if (lowercase)
        {
            script.WithLowercaseStates();
        }

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("ls")));

        Assert.Equal([running, running, succeeded], Fake.Polls.Select(p => p.State));
        Assert.True(operation.Value.IsSuccess);
    }

    [Fact]
    public async Task ContextOfTextAndBinary_ArrivesByteExact()
    {
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0x1f, 0x8b, 0, 0, 0xff }).ToArray();
        var content = new RunCommandContent("helm install demo ./chart.tgz -f values.yaml")
        {
            Context = new CommandContextBuilder().AddBytes("chart.tgz", binary).AddText("values.yaml", "replicas: 3\nname: ünïcode\n").AddBytes("dir/empty", []).Build(),
        };

        await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, content));

        var files = Assert.Single(Fake.Runs).ContextFiles.ToDictionary(f => f.Name, f => f.Content);
        Assert.Equal(["chart.tgz", "dir/empty", "values.yaml"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(binary, files["chart.tgz"]);
        Assert.Equal("replicas: 3\nname: ünïcode\n"u8.ToArray(), files["values.yaml"]);
        Assert.Empty(files["dir/empty"]);
    }

    [Fact]
    public void OversizeContext_IsRejectedBeforeAnyRequest()
    {
        var random = new byte[200_000];
        new Random(7).NextBytes(random);

        var error = Assert.Throws<ArgumentException>(() => new CommandContextBuilder(new CommandContextOptions { MaxEncodedLength = 100_000 }).AddBytes("big.bin", random).Build());

        Assert.Contains("over the limit of 100,000", error.Message, StringComparison.Ordinal);
        Assert.Empty(Fake.Runs);
        Assert.Empty(Fake.Polls);
    }

    [Fact]
    public async Task OversizeRequest_IsRejectedBeforeAnyRequest()
    {
        Client = Fake.CreateClient(o => { o.TimeProvider = Clock; o.MaxRequestBytes = 10_000; });
        var content = new RunCommandContent("cat big.txt") { Context = new CommandContextBuilder(new CommandContextOptions { CompressionLevel = System.IO.Compression.CompressionLevel.NoCompression }).AddText("big.txt", new string('x', 20_000)).Build() };

        await Assert.ThrowsAsync<ArgumentException>(() => Client.RunCommandAsync(WaitUntil.Started, Cluster, content));

        Assert.Empty(Fake.Runs);
    }

    [Theory]
    [InlineData("not-a-guid", "rg", "aks", "subscriptionId")]
    [InlineData("11111111-2222-3333-4444-555555555555", "bad rg!", "aks", "resourceGroupName")]
    [InlineData("11111111-2222-3333-4444-555555555555", "rg", "bad.cluster", "clusterName")]
    public async Task InvalidTarget_IsRejectedWithZeroRequests(string subscription, string resourceGroup, string cluster, string part)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.RunCommandAsync(WaitUntil.Started, new ClusterId(subscription, resourceGroup, cluster), new RunCommandContent("ls")));

        Assert.Equal(part, error.ParamName);
        Assert.Empty(Fake.Runs);
        Assert.Empty(Fake.Polls);
    }

    [Fact]
    public async Task ClusterThatDoesNotExist_Gives404WithOnePost()
    {
        using var fake = FakeAks.Start(new FakeAksOptions { ClusterExists = c => c.ClusterName != "aks-contract" });
        var answers = new AnswerIds();

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => fake.CreateClient(o => o.Transport = answers).RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("ls")));

        Assert.Equal(404, error.Status);
        Assert.Equal("ResourceNotFound", error.ErrorCode);
        var answer = Assert.Single(answers.Answers);
        Assert.Equal((answer.RequestId, answer.CorrelationRequestId), (error.RequestId, error.CorrelationRequestId)); // the ids the service sent
        Assert.Contains($"x-ms-request-id: {answer.RequestId}", error.Message, StringComparison.Ordinal);
        Assert.Equal(404, Assert.Single(fake.Runs).Status);
    }

    [Fact]
    public async Task Resume_FromCommandIdInAFreshClient_GetsTheResult()
    {
        Fake.When("./migrate.sh").RunningFor(3).ExitsWith(0, "migrated\n");
        var started = await Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("./migrate.sh"));

        var fresh = Fake.CreateClient(o => o.TimeProvider = Clock);
        var result = await Clock.RunAsync(fresh.GetRunCommandOperation(Cluster, started.Id).WaitForCompletionAsync());

        Assert.Equal("migrated\n", result.Logs);
        Assert.Single(Fake.Runs);
        Assert.Equal(4, Fake.Polls.Count);
    }

    [Fact]
    public async Task CancellationMidWait_LeavesCommandIdInTheException()
    {
        Fake.When("sleep 600").RunningFor(TimeSpan.FromMinutes(10));
        using var cancel = new CancellationTokenSource();
        var operation = await Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("sleep 600"));

        var wait = operation.WaitForCompletionAsync(cancel.Token);
        Clock.Advance(await Clock.NextTimerAsync()); // first poll
        await Clock.NextTimerAsync();                 // Running; waiting for the next
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RunCommandWaitCanceledException>(() => wait);

        Assert.Equal(operation.Id, error.CommandId);
        Assert.Contains(operation.Id, error.Message, StringComparison.Ordinal);
        Assert.Single(Fake.Runs);
    }

    [Fact]
    public async Task SleepCommand_RunsOnTheFakesClock()
    {
        var operation = await Client.RunCommandAsync(WaitUntil.Started, Cluster, new RunCommandContent("sleep 10"));

        var result = await Clock.RunAsync(operation.WaitForCompletionAsync());

        Assert.Equal(TimeSpan.FromSeconds(10), result.Duration);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(9, Fake.Polls.Count(p => p.Status == 202)); // polls at 1..9 s see it running
        Assert.Equal(TimeSpan.FromSeconds(10), Clock.Elapsed);     // the poll at 10 s sees it finished
    }

    [Theory]
    [InlineData("exit 0", 0, "")]
    [InlineData("exit 127", 127, "")]
    [InlineData("echo hello", 0, "hello\n")]
    public async Task UnscriptedCommands_FollowTheDefaults(string command, int exitCode, string logs)
    {
        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent(command)));

        Assert.Equal(exitCode, operation.Value.ExitCode);
        Assert.Equal(logs, operation.Value.Logs);
    }

    [Fact]
    public async Task UnscriptedCommand_EchoesCommandAndAttachedFiles()
    {
        var content = new RunCommandContent("kubectl get pods -A") { Context = new CommandContextBuilder().AddText("a.yaml", "x: 1").Build() };

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, content));

        Assert.Equal("[fake aks] ran: kubectl get pods -A\n[fake aks] attached: a.yaml (4 bytes)\n", operation.Value.Logs);
    }
}
