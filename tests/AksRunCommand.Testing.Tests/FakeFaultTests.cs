namespace AksRunCommand.Testing.Tests;

// Faults on the wire look as the kit says: headers set and repeated, replies sent as written.
public sealed class FakeFaultTests : IDisposable
{
    private static readonly ClusterId Cluster = new("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
    private readonly FakeAks _fake = FakeAks.Start();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _fake.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task WithHeader_SeveralValues_ArriveAsARepeatedHeader_AndReplaceTheFakesOwn()
    {
        _fake.AddCommand(Cluster, "c1").OnPoll(FakeFault.Reply(202, "{}").WithHeader("Retry-After", "1", "2").WithHeader("x-ms-request-id", "mine"));

        using var response = await _http.GetAsync(new Uri(_fake.Endpoint, Cluster.ResourceId.TrimStart('/') + "/commandResults/c1?api-version=x"));

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal(["1", "2"], response.Headers.GetValues("Retry-After").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)));
        Assert.Equal(["mine"], response.Headers.GetValues("x-ms-request-id"));
    }

    [Fact]
    public async Task After_AnAcceptedRunRequest_IsRegisteredWhileItsAnswerIsHeldBack()
    {
        _fake.When("ls").OnStart(FakeFault.Accepted.After(TimeSpan.FromMinutes(10)));
        using var cancel = new CancellationTokenSource();

        var post = _http.PostAsync(new Uri(_fake.Endpoint, Cluster.ResourceId.TrimStart('/') + "/runCommand?api-version=x"), new StringContent("""{"command":"ls"}""", System.Text.Encoding.UTF8, "application/json"), cancel.Token);
        using (var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            while (_fake.Runs.Count == 0)
            {
                await Task.Delay(10, patience.Token); // until the fake has it: something observed, not a time
            }
        }

        var run = Assert.Single(_fake.Runs);
        Assert.Equal(202, run.Status);
        Assert.Equal([run.CommandId!], _fake.RunningCommands);
        Assert.False(post.IsCompleted); // the 202 is held back for 10 minutes
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post);
    }

    [Fact]
    public async Task AClusterPathThatBreaksTheRules_Gets400NamingThePart()
    {
        using var response = await _http.GetAsync(new Uri(_fake.Endpoint, "subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/bad.name/commandResults/c1?api-version=x"));

        Assert.Equal(400, (int)response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("clusterName 'bad.name' is invalid", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
