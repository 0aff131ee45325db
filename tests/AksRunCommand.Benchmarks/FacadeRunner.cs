using Azure.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AksRunCommand.Benchmarks;

/// <summary>The facade as a user has it: a credential, and a transport (here one that trusts the loopback server). Polls back to back.</summary>
public sealed class FacadeRunner : IRunner
{
    private static readonly ClusterId Cluster = new("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
    private readonly AksRunCommandClient _client;

    public FacadeRunner(AksRunCommandClient client)
    {
        _client = client;
    }

    public AksRunCommandClient Client => _client;

    public static FacadeRunner Plain(Uri endpoint, HttpMessageHandler transport, TokenCredential credential, TimeSpan pollDelay = default)
    {
        var options = new AksRunCommandClientOptions { Endpoint = endpoint, Transport = transport, Polling = PollingStrategy.Fixed(pollDelay) };
        options.RequestBudget.Enabled = false; // thousands of runs a second would wait for ARM's budget, not for the client
        return new FacadeRunner(new AksRunCommandClient(credential, options));
    }

    /// <summary>The DI path: <c>AddAksRunCommandClient</c> with the HttpClient from <c>IHttpClientFactory</c>.</summary>
    public static (FacadeRunner Runner, ServiceProvider Services) WithDependencyInjection(Uri endpoint, Func<HttpMessageHandler> transport, TokenCredential credential)
    {
        var services = new ServiceCollection().AddSingleton(credential);
        services.AddAksRunCommandClient(o =>
        {
            o.Endpoint = endpoint;
            o.Polling = PollingStrategy.Fixed(TimeSpan.Zero);
            o.RequestBudget.Enabled = false;
        }).ConfigurePrimaryHttpMessageHandler(transport);
        var provider = services.BuildServiceProvider();
        return (new FacadeRunner(provider.GetRequiredService<AksRunCommandClient>()), provider);
    }

    public bool Direct { get; init; }

    public async Task<string> RunAsync(string command)
    {
        if (Direct)
        {
            var op = await _client.RunCommandAsync(Azure.WaitUntil.Started, Cluster, new RunCommandContent(command));
            while (!(await op.UpdateStatusAsync()).HasCompleted)
            {
            }

            return op.Value.Logs;
        }

        var operation = await _client.RunCommandAsync(Azure.WaitUntil.Started, Cluster, new RunCommandContent(command));
        var result = await operation.WaitForCompletionAsync();
        return result.Logs;
    }
}
