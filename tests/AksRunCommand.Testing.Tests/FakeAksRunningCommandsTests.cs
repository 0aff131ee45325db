using System.Net.Http.Json;

namespace AksRunCommand.Testing.Tests;

// The fake counts commands as the service runs them, for a client: from the accepted run request until a poll reports
// the end; a poll that says Running, or a second look at a finished command, changes nothing.
public sealed class FakeAksRunningCommandsTests : IDisposable
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
    public async Task RunningCommands_FromAcceptanceUntilAPollReportsTheEnd_AndThePeakIsKept()
    {
        _fake.When("echo 1").RunningFor(polls: 1);
        var first = await StartAsync("echo 1");
        var second = await StartAsync("echo 2");
        Assert.Equal([first, second], _fake.RunningCommands);

        Assert.Equal(202, await PollAsync(first));
        Assert.Equal([first, second], _fake.RunningCommands);
        Assert.Equal(200, await PollAsync(first));
        Assert.Equal([second], _fake.RunningCommands);
        Assert.Equal(200, await PollAsync(first));
        Assert.Equal([second], _fake.RunningCommands);

        var third = await StartAsync("echo 3");
        Assert.Equal([second, third], _fake.RunningCommands);
        Assert.Equal(2, _fake.PeakRunningCommands);

        _fake.AddCommand(Cluster, "0123456789abcdef0123456789abcdef");
        Assert.Equal([second, third, "0123456789abcdef0123456789abcdef"], _fake.RunningCommands);
        Assert.Equal(3, _fake.PeakRunningCommands);
    }

    [Fact]
    public async Task RunningCommands_ARefusedRunRequest_IsNeverCounted()
    {
        _fake.Cluster(Cluster).Forbids();

        using var response = await _http.PostAsJsonAsync(RunUri(), new { command = "ls" });

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Empty(_fake.RunningCommands);
        Assert.Equal(0, _fake.PeakRunningCommands);
    }

    private async Task<string> StartAsync(string command)
    {
        using var response = await _http.PostAsJsonAsync(RunUri(), new { command });
        Assert.Equal(202, (int)response.StatusCode);
        return response.Headers.Location!.AbsolutePath.Split('/')[^1];
    }

    private async Task<int> PollAsync(string id)
    {
        using var response = await _http.GetAsync(new Uri(_fake.Endpoint, $"{Cluster.ResourceId.TrimStart('/')}/commandResults/{id}?api-version=2024-02-01"));
        return (int)response.StatusCode;
    }

    private Uri RunUri() => new(_fake.Endpoint, $"{Cluster.ResourceId.TrimStart('/')}/runCommand?api-version=2024-02-01");
}
