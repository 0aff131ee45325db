using System.Text;
using AksRunCommand.Testing;

namespace AksRunCommand.Cli;

/// <summary>The client and the cluster a run goes to: Azure, another ARM endpoint, or the embedded emulator.</summary>
internal sealed class ClusterConnection : IDisposable
{
    private const string EmulatorSubscription = "00000000-0000-0000-0000-000000000000";
    private readonly FakeAks? _emulator;

    private ClusterConnection(AksRunCommandClient client, ClusterId cluster, string resumeTarget, FakeAks? emulator)
    {
        Client = client;
        Cluster = cluster;
        ResumeTarget = resumeTarget;
        _emulator = emulator;
    }

    public AksRunCommandClient Client { get; }

    public ClusterId Cluster { get; }

    public bool IsEmulator => _emulator is not null;

    /// <summary>The flags that name this target again, for the resume line.</summary>
    public string ResumeTarget { get; }

    public static ClusterConnection Resolve(ConnectionFlags flags, CliHost host)
    {
        var subscription = flags.Subscription ?? NullIfEmpty(host.Environment("AZURE_SUBSCRIPTION_ID"));
        FakeAks? emulator = null;
        Uri endpoint;
        if (flags.Emulator || subscription is null)
        {
            if (flags.Endpoint is not null)
            {
                throw new CliFailure(flags.Emulator
                    ? "--endpoint cannot be combined with --emulator."
                    : "--endpoint needs --subscription (or AZURE_SUBSCRIPTION_ID); without a subscription aks-run uses its embedded emulator.");
            }

            emulator = FakeAks.Start(new FakeAksOptions { TimeProvider = host.TimeProvider });
            endpoint = emulator.Endpoint;
            subscription = EmulatorSubscription;
            host.Error.WriteLine(flags.Emulator
                ? $"aks-run: --emulator: running against the embedded emulator at {endpoint}; nothing reaches Azure."
                : $"aks-run: no subscription (--subscription or AZURE_SUBSCRIPTION_ID): running against the embedded emulator at {endpoint}; nothing reaches Azure.");
        }
        else
        {
            endpoint = flags.Endpoint is null ? ArmEndpoints.AzurePublicCloud : ArmClientFactory.ParseEndpoint(flags.Endpoint);
        }

        try
        {
            var cluster = new ClusterId(
                subscription,
                flags.ResourceGroup ?? (emulator is null ? throw new CliFailure("--resource-group (-g) is required.") : "emulator-rg"),
                flags.ClusterName ?? (emulator is null ? throw new CliFailure("--name (-n), the cluster name, is required.") : "emulator-aks"));
            var client = ArmClientFactory.Create(endpoint, flags.ApiVersion, host, emulator is not null);
            return new ClusterConnection(client, cluster, ResumeFlags(cluster, flags.Endpoint, flags.ApiVersion, emulator is not null), emulator);
        }
        catch
        {
            emulator?.Dispose();
            throw;
        }
    }

    public void Dispose() => _emulator?.Dispose();

    /// <summary>The flags of <c>aks-run result</c> after <c>--command-id</c> that reach <paramref name="cluster"/> again.</summary>
    public static string ResumeFlags(ClusterId cluster, string? endpoint, string? apiVersion, bool emulator)
    {
        var text = new StringBuilder($"-g {cluster.ResourceGroupName} -n {cluster.ClusterName}");
        if (emulator)
        {
            return text.Append(" --emulator").ToString();
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $" --subscription {cluster.SubscriptionId:D}");
        if (endpoint is not null)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" --endpoint {endpoint}");
        }

        if (apiVersion is not null)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" --api-version {apiVersion}");
        }

        return text.ToString();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
