using AksRunCommand.Tests.Infrastructure;
using AksRunCommand.Testing;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests;

public sealed class DependencyInjectionTests : IDisposable
{
    private readonly ArmStub _arm = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task AddAksRunCommandClient_ResolvesAClientThatRunsThroughTheFactoryAndLogsPolls()
    {
        _arm.OnPost(_arm.Accepted());
        _arm.OnGet(ArmStub.Finished(logs: "from DI"));
        var clock = new ManualClock();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs))
            .AddSingleton<TokenCredential>(new SentinelCredential())
            .AddSingleton<TimeProvider>(clock);
        services.AddAksRunCommandClient(o => o.Endpoint = new Uri(_arm.Url));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<AksRunCommandClient>();
        var operation = await clock.RunAsync(client.RunCommandAsync(WaitUntil.Completed, ArmStub.Cluster, new RunCommandContent("ls")));

        Assert.Same(client, provider.GetRequiredService<AksRunCommandClient>());
        Assert.Equal("from DI", operation.Value.Logs);
        Assert.All(_arm.Requests, r => Assert.Equal("Bearer " + SentinelCredential.ArmToken, r.Authorization));
        Assert.Contains(_arm.Server.LogEntries, e => e.RequestMessage!.Headers!["User-Agent"].Any(v => v.Contains("kiota-dotnet", StringComparison.Ordinal)));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Information && l.Message.Contains("finished: Succeeded", StringComparison.Ordinal));
    }
}
