using AksRunCommand.Testing;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.ContractTests;

// Teams pin api-versions at runtime (AksRunCommandClientOptions.ApiVersion): a client generated from one api-version,
// set to send another, against a service answering in that other version's shape. CI runs this suite in a copy
// generated from each of four api-versions, so every generated client meets every service version here.
public sealed class ApiVersionCompatibilityContractTests : FakeAksTestBase
{
    // What each service version sends, as its spec declares: 2025-10-01 (TypeSpec, common-types v6) declares
    // Retry-After on the runCommand 202 and errors as ErrorResponse (with additionalInfo); the earlier ones declare
    // only Location on the 202 and errors as CloudError.
    public static TheoryData<string> ServiceVersions => ["2022-09-01", "2024-01-02-preview", "2024-02-01", "2025-10-01"];

    [Theory]
    [MemberData(nameof(ServiceVersions))]
    public async Task RunCommand_PinnedToAServiceVersion_EveryRequestCarriesItAndTheResultIsRead(string version)
    {
        PinTo(version);
        var accepted = FakeFault.AcceptedWithLocation(
            $"{Fake.Endpoint.GetLeftPart(UriPartial.Authority)}/subscriptions/{Cluster.SubscriptionId}/resourcegroups/{Cluster.ResourceGroupName}/providers/Microsoft.ContainerService/managedclusters/{Cluster.ClusterName}/commandResults/{{id}}?api-version={version}");
        if (DeclaresRetryAfter(version))
        {
            accepted = accepted.WithHeader("Retry-After", "3");
        }

        Fake.When("kubectl get ns").OnStart(accepted).RunningFor(1).ExitsWith(0, "default\n");

        var operation = await Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("kubectl get ns")));

        Assert.Equal("default\n", operation.Value.Logs);
        Assert.Equal(0, operation.Value.ExitCode);
        Assert.Equal(version, Assert.Single(Fake.Runs).ApiVersion);
        Assert.NotEmpty(Fake.Polls);
        Assert.All(Fake.Polls, p => Assert.Equal(version, p.ApiVersion));
        if (DeclaresRetryAfter(version))
        {
            Assert.True(Clock.Advanced[0] >= TimeSpan.FromSeconds(3), $"the first poll came {Clock.Advanced[0]} after the 202, before its Retry-After of 3 s");
        }
    }

    [Theory]
    [MemberData(nameof(ServiceVersions))]
    public async Task RunCommand_PinnedToAServiceVersion_ItsErrorShapeIsRead(string version)
    {
        PinTo(version);
        var body = DeclaresRetryAfter(version)
            ? """{"error":{"code":"OperationNotAllowed","message":"Run command is disabled on this cluster.","target":"disableRunCommand","details":[{"code":"RunCommandDisabled","message":"apiServerAccessProfile.disableRunCommand is true"}],"additionalInfo":[{"type":"PolicyViolation","info":{"policy":"no-run-command"}}]}}"""
            : """{"error":{"code":"OperationNotAllowed","message":"Run command is disabled on this cluster.","target":"disableRunCommand","details":[{"code":"RunCommandDisabled","message":"apiServerAccessProfile.disableRunCommand is true"}]}}""";
        Fake.When("kubectl get ns").OnStart(FakeFault.Reply(409, body));

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => Clock.RunAsync(Client.RunCommandAsync(WaitUntil.Completed, Cluster, new RunCommandContent("kubectl get ns"))));

        Assert.Equal(409, error.Status);
        Assert.Equal("OperationNotAllowed", error.ErrorCode);
        Assert.Equal("Run command is disabled on this cluster.", error.ErrorMessage);
        Assert.Equal("disableRunCommand", error.Target);
        Assert.Equal("RunCommandDisabled", Assert.Single(error.Details).Code);
        Assert.False(error.CommandMayHaveStarted);
        Assert.Equal(version, Assert.Single(Fake.Runs).ApiVersion);
    }

    private static bool DeclaresRetryAfter(string version) => string.CompareOrdinal(version, "2025-10-01") >= 0;

    // The client sends this api-version whatever the spec it was generated from.
    private void PinTo(string version) => Client = Fake.CreateClient(o =>
    {
        o.TimeProvider = Clock;
        o.ApiVersion = version;
    });
}
