using AksRunCommand.Testing;
using AksRunCommand.Tests.Shared;

namespace AksRunCommand.ContractTests;

// ListClustersAsync and GetClusterAsync against the fake's managedClusters reads: paging through nextLink, the filters,
// ARM's errors, throttling, a nextLink on a foreign host, the read budget, and the fields a rollout preflights on.
public sealed class ClusterSelectionContractTests : IDisposable
{
    private static readonly Guid Subscription = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly Guid OtherSubscription = Guid.Parse("99999999-2222-3333-4444-555555555555");
    private readonly ManualClock _clock = new();
    private readonly List<FakeAks> _fakes = [];

    public void Dispose()
    {
        foreach (var fake in _fakes)
        {
            fake.Dispose();
        }
    }

    [Fact]
    public async Task ListClusters_FivePagesOfTwo_YieldsEveryIdInOrderFollowingEachNextLink()
    {
        var fake = Start(o => o.ListPageSize = 2);
        var ids = Enumerable.Range(1, 9).Select(i => Id("rg-" + (i % 3), $"aks-{i}")).ToList();
        ids.ForEach(id => fake.Cluster(id));
        fake.Cluster(new ClusterId(OtherSubscription, "rg-1", "aks-elsewhere")); // another subscription's: never listed
        var client = Client(fake);

        var listed = await ListAsync(client, Subscription);

        Assert.Equal(ids, listed.Select(c => c.Id));
        Assert.Equal(ids.Select(i => i.ResourceId), listed.Select(c => c.Id.ResourceId)); // in ARM's casing of each part
        var reads = fake.ClusterReads;
        Assert.Equal([null, "2", "4", "6", "8"], reads.Select(r => r.SkipToken));
        Assert.All(reads, r => Assert.Equal((ClusterReadOperation.List, 200, AksRunCommandClientOptions.DefaultApiVersion, true), (r.Operation, r.Status, r.ApiVersion, r.AuthorizationPresent)));
        Assert.Equal([2, 2, 2, 2, 1], reads.Select(r => r.Clusters));
    }

    [Fact]
    public async Task ListClusters_ResourceGroupsInOtherCasing_OneListPerGroupAndOnlyTheirClusters()
    {
        var fake = Start(o => o.ListPageSize = 1);
        var a1 = fake.Cluster(Id("rg-a", "a1")).Id;
        fake.Cluster(Id("rg-b", "b1"));
        var c1 = fake.Cluster(Id("Rg-C", "c1")).Id;
        var a2 = fake.Cluster(Id("rg-a", "a2")).Id;

        var listed = await ListAsync(Client(fake), Subscription, new ClusterFilter(["RG-A", "rg-c"]));

        Assert.Equal([a1, a2, c1], listed.Select(c => c.Id));
        Assert.Equal(
            [(ClusterReadOperation.ListByResourceGroup, "RG-A", null), (ClusterReadOperation.ListByResourceGroup, "RG-A", "1"), (ClusterReadOperation.ListByResourceGroup, "rg-c", null)],
            fake.ClusterReads.Select(r => (r.Operation, r.ResourceGroup, r.SkipToken)));
    }

    [Theory]
    [InlineData("env=prod", "prod-1 prod-2")]
    [InlineData("ENV=prod", "prod-1 prod-2")] // keys are case-insensitive
    [InlineData("env=Prod", "")] // values are exact
    [InlineData("env", "prod-1 prod-2 dev-1 blank-1")] // the key present, whatever its value
    [InlineData("env=", "blank-1")] // an empty value is a value
    [InlineData("env=prod|env=dev", "prod-1 prod-2 dev-1")] // values of one key are ORed
    [InlineData("env=prod|Team=payments", "prod-1")] // keys are ANDed
    [InlineData("team", "prod-1 dev-1")]
    [InlineData("owner", "")]
    public async Task ListClusters_ByTags_SelectsExactlyTheMatchingClusters(string conditions, string expected)
    {
        var fake = Start();
        fake.Cluster(Id("rg", "prod-1")).WithTags(("env", "prod"), ("team", "payments"));
        fake.Cluster(Id("rg", "prod-2")).WithTags(("Env", "prod"), ("ring", "canary"));
        fake.Cluster(Id("rg", "dev-1")).WithTags(("env", "dev"), ("TEAM", "search"));
        fake.Cluster(Id("rg", "blank-1")).WithTags(("env", string.Empty));
        fake.Cluster(Id("rg", "untagged-1"));

        var listed = await ListAsync(Client(fake), Subscription, new ClusterFilter(null, conditions.Split('|')));

        Assert.Equal(expected, string.Join(' ', listed.Select(c => c.Id.ClusterName)));
        Assert.Single(fake.ClusterReads); // filtering is the client's: one list, whatever matched
    }

    [Fact]
    public async Task ListClusters_ResourceGroupAndTag_AreAnded()
    {
        var fake = Start();
        fake.Cluster(Id("rg-a", "a-prod")).WithTags(("env", "prod"));
        fake.Cluster(Id("rg-a", "a-dev")).WithTags(("env", "dev"));
        fake.Cluster(Id("rg-b", "b-prod")).WithTags(("env", "prod"));

        var listed = await ListAsync(Client(fake), Subscription, new ClusterFilter(["rg-a"], ["env=prod"]));

        Assert.Equal("a-prod", Assert.Single(listed).Id.ClusterName);
    }

    [Fact]
    public async Task ListClusters_NothingInTheSubscription_YieldsNothingAfterOneList()
    {
        var fake = Start();
        fake.Cluster(new ClusterId(OtherSubscription, "rg", "elsewhere"));

        Assert.Empty(await ListAsync(Client(fake), Subscription));
        Assert.Equal(200, Assert.Single(fake.ClusterReads).Status);
    }

    [Fact]
    public async Task ListClusters_Forbidden_ThrowsWith403CodeAndRequestIds()
    {
        var fake = Start();
        fake.Cluster(Id("rg", "aks"));
        fake.OnClusterReads(FakeFault.ArmError(403, "AuthorizationFailed", "The client 'ci' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read'.")
            .WithHeader("x-ms-request-id", "req-403").WithHeader("x-ms-correlation-request-id", "corr-403"));

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => ListAsync(Client(fake), Subscription));

        Assert.Equal((403, "AuthorizationFailed", "req-403", "corr-403", false), (error.Status, error.ErrorCode, error.RequestId, error.CorrelationRequestId, error.CommandMayHaveStarted));
        Assert.Equal(
            $"ARM answered HTTP 403 (AuthorizationFailed) to the list of managed clusters in subscription {Subscription:D}: The client 'ci' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read'. The caller needs Microsoft.ContainerService/managedClusters/read on the clusters (for example the Reader role on the subscription or resource group). (x-ms-request-id: req-403, x-ms-correlation-request-id: corr-403)",
            error.Message);
        Assert.Single(fake.ClusterReads); // a refusal is not retried
    }

    [Fact]
    public async Task ListClusters_ThrottledWithRetryAfter_WaitsItOutAndAsksForTheSamePageAgain()
    {
        var fake = Start(o => o.ListPageSize = 1);
        fake.Cluster(Id("rg", "one"));
        fake.Cluster(Id("rg", "two"));
        fake.OnClusterReads(FakeFault.Throttled(TimeSpan.FromSeconds(1)), FakeFault.Throttled(TimeSpan.FromSeconds(7)));

        var listed = await ListAsync(Client(fake), Subscription);

        Assert.Equal(["one", "two"], listed.Select(c => c.Id.ClusterName));
        var reads = fake.ClusterReads;
        Assert.Equal([(429, null), (429, null), (200, null), (200, "1")], reads.Select(r => (r.Status, r.SkipToken)));
        Assert.True(reads[1].At - reads[0].At >= TimeSpan.FromSeconds(1), $"second ask after {reads[1].At - reads[0].At}");
        Assert.True(reads[2].At - reads[1].At >= TimeSpan.FromSeconds(7), $"third ask after {reads[2].At - reads[1].At}");
    }

    [Fact]
    public async Task ListClusters_ThrottledManyTimes_IsNeverAFinalErrorWhileTheTokenAllows()
    {
        var fake = Start();
        fake.Cluster(Id("rg", "patient"));
        fake.OnClusterReads([.. Enumerable.Repeat(FakeFault.Throttled(TimeSpan.FromSeconds(30)), 25)]); // more than MaxRetries (5) many times over

        var listed = await ListAsync(Client(fake), Subscription);

        Assert.Equal("patient", Assert.Single(listed).Id.ClusterName);
        Assert.Equal(26, fake.ClusterReads.Count);
    }

    [Fact]
    public async Task ListClusters_ServerErrorThenSuccess_RetriesThePage()
    {
        var fake = Start();
        fake.Cluster(Id("rg", "aks"));
        fake.OnClusterReads(FakeFault.ServerError(503), FakeFault.MalformedJsonBody);

        var listed = await ListAsync(Client(fake), Subscription);

        Assert.Equal("aks", Assert.Single(listed).Id.ClusterName);
        Assert.Equal([503, 200, 200], fake.ClusterReads.Select(r => r.Status));
    }

    [Fact]
    public async Task ListClusters_NextLinkOnAForeignHost_IsRefusedAndNothingIsSentThere()
    {
        var foreign = Start();
        var fake = Start(o =>
        {
            o.ListPageSize = 1;
            o.NextLinkHost = foreign.Endpoint;
        });
        fake.Cluster(Id("rg", "first"));
        fake.Cluster(Id("rg", "second"));
        var yielded = new List<string>();
        var answers = new AnswerIds();

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(async () =>
        {
            await foreach (var cluster in Client(fake, o => o.Transport = _clock.HoldDuringRequests(answers)).ListClustersAsync(Subscription))
            {
                yielded.Add(cluster.Id.ClusterName);
            }
        });

        Assert.Equal(["first"], yielded);
        Assert.Contains($"its nextLink points at {foreign.Endpoint.GetLeftPart(UriPartial.Authority)}, not at the configured endpoint {fake.Endpoint.GetLeftPart(UriPartial.Authority)}; it was not followed", error.Message, StringComparison.Ordinal);
        Assert.Equal(200, error.Status);
        Assert.Equal(Assert.Single(answers.Answers).RequestId, error.RequestId); // the page that carried the nextLink
        Assert.Empty(foreign.ClusterReads);
        Assert.Empty(foreign.Runs);
        Assert.Empty(foreign.Polls);
        Assert.Single(fake.ClusterReads);
    }

    [Fact]
    public async Task ListClusters_OnAManualClock_NeverSendsMoreThanTheReadBudgetAllows()
    {
        var fake = Start(o => o.ListPageSize = 1);
        for (var i = 0; i < 8; i++)
        {
            fake.Cluster(Id("rg", $"aks-{i}"));
        }

        var client = Client(fake, o =>
        {
            o.RequestBudget.ReadCapacity = 2;
            o.RequestBudget.ReadsPerSecond = 0.5;
        });

        Assert.Equal(8, (await ListAsync(client, Subscription)).Count);

        var reads = fake.ClusterReads;
        Assert.Equal(8, reads.Count);
        var first = reads[0].At;
        for (var i = 0; i < reads.Count; i++)
        {
            var elapsed = (reads[i].At - first).TotalSeconds;
            Assert.True(i + 1 <= 2 + (0.5 * elapsed) + 1e-9, $"read {i + 1} at {elapsed} s: more than a bucket of 2 refilled at 0.5/s allows");
        }

        Assert.True((reads[^1].At - first).TotalSeconds >= 12, "8 reads from a bucket of 2 at 0.5/s take at least 12 s");
    }

    [Fact]
    public async Task GetCluster_Missing_Throws404WithTheArmMessageAndRequestIds()
    {
        var fake = Start();
        var gone = fake.Cluster(Id("rg", "gone")).DoesNotExist().Id;
        var answers = new AnswerIds();

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => _clock.RunAsync(Client(fake, o => o.Transport = _clock.HoldDuringRequests(answers)).GetClusterAsync(gone)));

        Assert.Equal((404, "ResourceNotFound"), (error.Status, error.ErrorCode));
        Assert.StartsWith("ARM answered HTTP 404 (ResourceNotFound) to the read of managed cluster 'gone' in resource group 'rg': The Resource 'Microsoft.ContainerService/managedClusters/gone' under resource group 'rg' was not found. Check the subscription, resource group and cluster name. (x-ms-request-id: ", error.Message, StringComparison.Ordinal);
        var answer = Assert.Single(answers.Answers);
        Assert.Equal((answer.RequestId, answer.CorrelationRequestId), (error.RequestId, error.CorrelationRequestId));
        Assert.NotNull(answer.RequestId); // the fake sent them, and the client kept them
        Assert.EndsWith($"(x-ms-request-id: {answer.RequestId}, x-ms-correlation-request-id: {answer.CorrelationRequestId})", error.Message, StringComparison.Ordinal);
        var read = Assert.Single(fake.ClusterReads);
        Assert.Equal((ClusterReadOperation.Get, "rg", "gone", 404), (read.Operation, read.ResourceGroup, read.ClusterName, read.Status));
    }

    [Fact]
    public async Task GetCluster_OneGet_ReadsLocationTagsAndStates()
    {
        var fake = Start();
        var id = fake.Cluster(Id("rg-eu", "aks-eu")).InLocation("northeurope").WithTags(("env", "prod"), ("Team", "payments")).Id;

        var info = await _clock.RunAsync(Client(fake).GetClusterAsync(id));

        Assert.Equal(id, info.Id);
        Assert.Equal("northeurope", info.Location);
        Assert.Equal(["Team=payments", "env=prod"], info.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
        Assert.Equal("payments", info.Tags["TEAM"]); // keys case-insensitive
        Assert.Equal(("Running", "Succeeded", false, false, (string?)null), (info.PowerState, info.ProvisioningState, info.RunCommandDisabled, info.UsesEntraId, info.CannotRunCommandReason));
        Assert.Equal(ClusterReadOperation.Get, Assert.Single(fake.ClusterReads).Operation);
    }

    public static TheoryData<string, string?, string, bool, bool, string?> Preflights => new()
    {
        { "running", "Running", "Succeeded", false, false, null },
        { "stopped", "Stopped", "Succeeded", false, false, "power state Stopped: start it with az aks start" },
        { "disabled", "Running", "Succeeded", true, false, "apiServerAccessProfile.disableRunCommand is true: enable it with az aks update --enable-run-command" },
        { "stopped-and-disabled", "Stopped", "Succeeded", true, false, "power state Stopped: start it with az aks start" },
        { "entra", "Running", "Succeeded", false, true, null },
        { "unknown-power", null, "Succeeded", false, false, null }, // "Starting" is not in the spec's enum: unknown, not a reason
        { "updating", "Running", "Updating", false, false, null },
        { "upgrading", "Running", "Upgrading", false, false, null },
        { "scaling", "Running", "Scaling", false, false, null },
        { "failed", "Running", "Failed", false, false, "provisioning state Failed: a command runs only in Succeeded, Updating, Upgrading, Scaling" },
        { "deleting", "Running", "Deleting", false, false, "provisioning state Deleting: a command runs only in Succeeded, Updating, Upgrading, Scaling" },
        { "creating", "Running", "Creating", false, false, "provisioning state Creating: a command runs only in Succeeded, Updating, Upgrading, Scaling" },
        { "canceled", "Running", "Canceled", false, false, "provisioning state Canceled: a command runs only in Succeeded, Updating, Upgrading, Scaling" },
    };

    [Theory]
    [MemberData(nameof(Preflights))]
    public async Task GetClusterAndList_EachPreflightCase_MapStatesAndTheReason(string name, string? power, string provisioning, bool disabled, bool entra, string? reason)
    {
        var fake = Start();
        var cluster = fake.Cluster(Id("rg", name)).InProvisioningState(provisioning).InPowerState(power ?? "Starting");
        if (disabled)
        {
            cluster.RunCommandDisabled();
        }

        if (entra)
        {
            cluster.WithEntraId();
        }

        var client = Client(fake);
        var got = await _clock.RunAsync(client.GetClusterAsync(cluster.Id));
        var listed = Assert.Single(await ListAsync(client, Subscription));

        foreach (var info in new[] { got, listed })
        {
            Assert.Equal((power, provisioning, disabled, entra, reason), (info.PowerState, info.ProvisioningState, info.RunCommandDisabled, info.UsesEntraId, info.CannotRunCommandReason));
        }
    }

    private static ClusterId Id(string resourceGroup, string name) => new(Subscription, resourceGroup, name);

    private FakeAks Start(Action<FakeAksOptions>? configure = null)
    {
        var options = new FakeAksOptions { TimeProvider = _clock };
        configure?.Invoke(options);
        var fake = FakeAks.Start(options);
        _fakes.Add(fake);
        return fake;
    }

    private AksRunCommandClient Client(FakeAks fake, Action<AksRunCommandClientOptions>? configure = null) =>
        fake.CreateClient(o =>
        {
            o.TimeProvider = _clock;
            configure?.Invoke(o);
        });

    private Task<List<ManagedClusterInfo>> ListAsync(AksRunCommandClient client, Guid subscription, ClusterFilter? filter = null) =>
        _clock.RunAsync(Collect(client.ListClustersAsync(subscription, filter)));

    private static async Task<List<ManagedClusterInfo>> Collect(IAsyncEnumerable<ManagedClusterInfo> clusters)
    {
        var list = new List<ManagedClusterInfo>();
        await foreach (var cluster in clusters)
        {
            list.Add(cluster);
        }

        return list;
    }
}
