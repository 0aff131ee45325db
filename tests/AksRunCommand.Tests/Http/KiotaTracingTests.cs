using System.Collections.Concurrent;
using System.Diagnostics;
using AksRunCommand.Tests.Infrastructure;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Http;

// Requests leave the URL template off while nobody listens to Kiota's tracing (the adapter builds span names from
// it on every request); whoever listens gets Kiota's spans with the generated templates as before.
public sealed class KiotaTracingTests : IDisposable
{
    private readonly FakeAksFixture _arm = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task RunCommand_KiotaSourceListenedTo_SpansCarryTheGeneratedTemplates()
    {
        var templates = new ConcurrentBag<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Microsoft.Kiota.Http.HttpClientLibrary",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("url.uri_template") is string template && a.GetTagItem("server.address") is "127.0.0.1")
                {
                    templates.Add(template);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        _arm.Aks.When("kubectl get ns").RunningFor(1).ExitsWith(0);
        var client = _arm.CreateClient();

        await _arm.Clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("kubectl get ns")));

        Assert.Contains(templates, t => t.Contains("/managedClusters/{resourceName}/runCommand", StringComparison.Ordinal));
        Assert.Contains(templates, t => t.Contains("/commandResults/{commandId}", StringComparison.Ordinal));
    }
}
