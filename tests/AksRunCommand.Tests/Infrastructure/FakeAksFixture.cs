using AksRunCommand.Testing;
using Microsoft.Extensions.Logging;

namespace AksRunCommand.Tests.Infrastructure;

/// <summary>
/// The testing kit's fake AKS (the one fake ARM of this project) with what the unit tests add: a manual
/// clock shared by the fake and the client, a credential with recognisable tokens the fake insists on, and
/// every log line the client writes.
/// </summary>
public sealed class FakeAksFixture : IDisposable
{
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000000";
    public const string CommandId = "0e9872e6629349dc865e27ee6f8bab2d";

    public FakeAksFixture(Action<FakeAksOptions>? configure = null)
    {
        var options = new FakeAksOptions { TimeProvider = Clock, ExpectedBearerToken = SentinelCredential.ArmToken };
        configure?.Invoke(options);
        Aks = FakeAks.Start(options);
    }

    public static ClusterId Cluster { get; } = new(SubscriptionId, "rg1", "clustername1");

    /// <summary>The path every request for <see cref="Cluster"/> goes to, in the client's casing.</summary>
    public static string ClusterPath => Cluster.ResourceId;

    public FakeAks Aks { get; }

    public ManualClock Clock { get; } = new();

    public SentinelCredential Credential { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public Uri Endpoint => Aks.Endpoint;

    /// <summary>A Location header as real traffic writes it (lowercase <c>resourcegroups</c>/<c>managedclusters</c>), on <paramref name="host"/> (default this fake).</summary>
    public string Location(string commandId = CommandId, Uri? host = null) =>
        $"{(host ?? Endpoint).GetLeftPart(UriPartial.Authority)}/subscriptions/{SubscriptionId}/resourcegroups/rg1/providers/Microsoft.ContainerService/managedclusters/clustername1/commandResults/{commandId}?api-version={AksRunCommandClientOptions.DefaultApiVersion}";

    public AksRunCommandClient CreateClient(Action<AksRunCommandClientOptions>? configure = null)
    {
        var options = new AksRunCommandClientOptions
        {
            Endpoint = Endpoint,
            TimeProvider = Clock,
            LoggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace)),
            Randomizer = new Random(20261201).NextDouble, // retry jitter, seeded so every run waits the same
            Transport = Clock.HoldDuringRequests(), // time moves only while no answer is on its way (a test's own transport: wrap it too)
        };
        configure?.Invoke(options);
        return new AksRunCommandClient(Credential, options);
    }

    public void Dispose() => Aks.Dispose();
}
