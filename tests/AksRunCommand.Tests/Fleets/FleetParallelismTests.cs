using AksRunCommand.Testing;

namespace AksRunCommand.Tests.Fleets;

// MaxParallel counted where the service counts it: the fake's commands accepted and not yet reported finished, never
// the library's own progress counters. Commands of different lengths free their slots at different times, and a
// refused cluster's slot is free at once.
public sealed class FleetParallelismTests : IDisposable
{
    private static readonly Guid Subscription = Guid.Parse("cccccccc-0000-0000-0000-000000000003");
    private readonly ManualClock _clock = new();
    private readonly FakeAks _aks;

    public FleetParallelismTests()
    {
        _aks = FakeAks.Start(new FakeAksOptions { TimeProvider = _clock });
    }

    public void Dispose() => _aks.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task RunOnFleet_MaxParallel_IsTheMostCommandsRunningAtTheServiceAtOnce(int maxParallel)
    {
        var clusters = Enumerable.Range(0, 14).Select(i => new ClusterId(Subscription, "rg-parallel", $"p{i}")).ToList();
        for (var i = 0; i < clusters.Count; i++)
        {
            if (i % 5 == 4)
            {
                _aks.Cluster(clusters[i]).DoesNotExist(); // refused: its slot is free again at once
            }
            else
            {
                _aks.Cluster(clusters[i]).When("kubectl get ns").RunningFor(TimeSpan.FromSeconds(20 + (i * 7 % 30))).ExitsWith(0);
            }
        }

        var client = _aks.CreateClient(o => o.TimeProvider = _clock);

        var outcomes = await _clock.RunAsync(FleetRunTests.Collect(client.RunOnFleetAsync(clusters, new RunCommandContent("kubectl get ns"), new FleetRunOptions { MaxParallel = maxParallel })));

        Assert.Equal(12, outcomes.Count(o => o.Kind == FleetOutcomeKind.Succeeded));
        Assert.Equal(2, outcomes.Count(o => o.Kind == FleetOutcomeKind.Refused));
        Assert.Equal(maxParallel, _aks.PeakRunningCommands); // reached, never passed
        Assert.Empty(_aks.RunningCommands);
    }
}
