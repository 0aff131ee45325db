using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Testing;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.DependencyInjection;

public sealed class DependencyInjectionTests : IDisposable
{
    private readonly FakeAksFixture _arm = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task AddAksRunCommandClient_ResolvesAClientThatRunsThroughTheFactoryAndLogsPolls()
    {
        _arm.Aks.When("ls").RunningFor(0).ExitsWith(0, "from DI");
        var clock = _arm.Clock;
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs))
            .AddSingleton<TokenCredential>(new SentinelCredential())
            .AddSingleton<TimeProvider>(clock);
        services.AddAksRunCommandClient(o => o.Endpoint = _arm.Endpoint).ConfigurePrimaryHttpMessageHandler(() => clock.HoldDuringRequests());
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<AksRunCommandClient>();
        var operation = await clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.Same(client, provider.GetRequiredService<AksRunCommandClient>());
        Assert.Equal("from DI", operation.Value.Logs);
        Assert.Equal(202, Assert.Single(_arm.Aks.Runs).Status); // the fake answers 401 unless the bearer token is exactly the sentinel's
        Assert.All(_arm.Aks.Polls, p => Assert.Equal(200, p.Status));
        Assert.StartsWith("AksRunCommand/", _arm.Aks.Runs[0].Headers["User-Agent"], StringComparison.Ordinal); // ours, as the plain client's
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Information && l.Message.Contains("finished: Succeeded", StringComparison.Ordinal));
    }
}
