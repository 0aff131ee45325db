namespace AksRunCommand.Testing.Tests;

// The fake throttles as ARM documents: a bucket per subscription and principal, the remaining header on every
// answer, 429 with Retry-After when empty, refilled on the fake's clock.
public sealed class FakeArmThrottlingTests : IDisposable
{
    private static readonly ClusterId Cluster = new("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
    private static readonly ClusterId OtherSubscription = new("11111111-0000-0000-0000-000000000000", "rg1", "aks1");
    private readonly ManualClock _clock = new();
    private readonly FakeAks _fake;
    private readonly HttpClient _http = new();

    public FakeArmThrottlingTests()
    {
        _fake = FakeAks.Start(new FakeAksOptions { TimeProvider = _clock, Throttling = new FakeArmThrottling { ReadCapacity = 3, ReadsPerSecond = 1, WriteCapacity = 2, WritesPerSecond = 1 } });
        _fake.AddCommand(Cluster, "c1").RunningFor(int.MaxValue);
        _fake.AddCommand(OtherSubscription, "c2").RunningFor(int.MaxValue);
    }

    public void Dispose()
    {
        _fake.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task Reads_BeyondTheBucket_Get429WithRetryAfter_AndTheRemainingHeaderCountsDown()
    {
        var answers = new List<(int Status, string? Remaining, string? RetryAfter)>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await PollAsync(Cluster, "principal-1"));
        }

        Assert.Equal([(202, "2", null), (202, "1", null), (202, "0", null), (429, "0", "1")], answers);
        Assert.Equal(202, (await PollAsync(Cluster, "principal-2")).Status); // another principal has a bucket of its own
        Assert.Equal(202, (await PollAsync(OtherSubscription, "principal-1")).Status); // so has another subscription
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(202, (await PollAsync(Cluster, "principal-1")).Status); // one token a second
    }

    [Fact]
    public async Task Writes_HaveTheirOwnBucket()
    {
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_fake.Endpoint, Cluster.ResourceId.TrimStart('/') + "/runCommand?api-version=x")) { Content = new StringContent("""{"command":"ls"}""", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer principal-1");
            using var response = await _http.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }

        Assert.Equal([202, 202, 429], statuses);
        Assert.Equal(202, (await PollAsync(Cluster, "principal-1")).Status);
    }

    private async Task<(int Status, string? Remaining, string? RetryAfter)> PollAsync(ClusterId cluster, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_fake.Endpoint, cluster.ResourceId.TrimStart('/') + $"/commandResults/{(cluster == Cluster ? "c1" : "c2")}?api-version=x"));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode,
            response.Headers.TryGetValues("x-ms-ratelimit-remaining-subscription-reads", out var r) ? r.Single() : null,
            response.Headers.TryGetValues("Retry-After", out var ra) ? ra.Single() : null);
    }
}
