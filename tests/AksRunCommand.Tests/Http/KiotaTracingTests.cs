using System.Collections.Concurrent;
using System.Diagnostics;
using AksRunCommand.Tests.Infrastructure;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Http;

// Requests leave the URL template off while nobody listens to Kiota's tracing (the adapter builds span names from
// it on every request); whoever listens gets Kiota's spans with the generated templates as before.
public sealed class KiotaTracingTests : IDisposable
{
    private static readonly ActivitySource TestSource = new("AksRunCommand.Tests.KiotaTracing");
    private readonly FakeAksFixture _arm = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task RunCommand_KiotaSourceListenedTo_SpansCarryTheGeneratedTemplates()
    {
        // The listener is process-wide: only spans in this test's own trace count, not those of tests running alongside.
        var templates = new ConcurrentBag<(ActivityTraceId Trace, string Template)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Microsoft.Kiota.Http.HttpClientLibrary" or "AksRunCommand.Tests.KiotaTracing",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("url.uri_template") is string template)
                {
                    templates.Add((a.TraceId, template));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        _arm.Aks.When("kubectl get ns").RunningFor(1).ExitsWith(0);
        var client = _arm.CreateClient();
        using var caller = TestSource.StartActivity("caller")!;

        await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("kubectl get ns")));

        var ours = templates.Where(t => t.Trace == caller.TraceId).Select(t => t.Template).ToList();
        Assert.Single(ours, t => t.Contains("/managedClusters/{resourceName}/runCommand", StringComparison.Ordinal));
        Assert.Equal(2, ours.Count(t => t.Contains("/commandResults/{commandId}", StringComparison.Ordinal))); // Running, then Succeeded
        Assert.Equal(3, ours.Count);
    }
}
