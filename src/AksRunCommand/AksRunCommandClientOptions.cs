using System.Net;
using Microsoft.Extensions.Logging;

namespace AksRunCommand;

/// <summary>Options of an <see cref="AksRunCommandClient"/>.</summary>
public sealed class AksRunCommandClientOptions
{
    /// <summary>The api-version of the checked-in spec, the default of <see cref="ApiVersion"/>.</summary>
    public const string DefaultApiVersion = SpecInfo.ApiVersion;

    /// <summary>Default <see cref="MaxRequestBytes"/>: 4 MiB, under which the service was seen to accept requests.</summary>
    public const int DefaultMaxRequestBytes = 4 * 1024 * 1024;

    private Uri _endpoint = ArmEndpoints.AzurePublicCloud;
    private string _apiVersion = DefaultApiVersion;
    private int _maxRequestBytes = DefaultMaxRequestBytes;
    private PollingStrategy _polling = PollingStrategy.Default;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// The ARM endpoint, default <see cref="ArmEndpoints.AzurePublicCloud"/>. https, or http on a loopback
    /// address (tests, the emulator). Tokens are sent to this host only.
    /// </summary>
    public Uri Endpoint
    {
        get => _endpoint;
        set => _endpoint = ValidateEndpoint(value);
    }

    /// <summary>The api-version sent with every request; default <see cref="DefaultApiVersion"/>, never empty.</summary>
    public string ApiVersion
    {
        get => _apiVersion;
        set => _apiVersion = !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ArgumentException("ApiVersion must not be empty (for example \"" + DefaultApiVersion + "\").", nameof(ApiVersion));
    }

    /// <summary>The schedule of polls while a command runs; default <see cref="PollingStrategy.Default"/>.</summary>
    public PollingStrategy Polling
    {
        get => _polling;
        set => _polling = value ?? throw new ArgumentNullException(nameof(Polling), "Polling must be a PollingStrategy (PollingStrategy.Default, Fixed, Sequence or your own).");
    }

    /// <summary>The request rate the client allows itself per subscription (reads and writes), shared by all its operations.</summary>
    public ArmRequestBudget RequestBudget { get; } = new();

    /// <summary>How faults of ARM requests are retried (every transient fault of a poll; only a 429 of the run request).</summary>
    public ArmRetryOptions Retry { get; } = new();

    /// <summary>
    /// Largest run request body in bytes (command, context and cluster token as JSON), checked before it is
    /// sent; default 4 MiB. The service answers larger requests with a bare HTTP 413.
    /// </summary>
    public int MaxRequestBytes
    {
        get => _maxRequestBytes;
        set => _maxRequestBytes = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), value, "MaxRequestBytes must be positive.");
    }

    /// <summary>
    /// An <see cref="System.Net.Http.HttpClient"/> to send requests with, as it is: its handlers are yours, and none
    /// of them may resend a POST (the run request must go out once). Prefer <see cref="Transport"/>, or
    /// <c>AddAksRunCommandClient</c>, where the client guards its run request itself. When null, the client makes
    /// one over <see cref="Transport"/>.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>The innermost handler of the HttpClient the client makes; default a <see cref="SocketsHttpHandler"/>.</summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>Where log lines go; default none. Polls are logged at Information, never with secrets.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>What the client's spans may carry (<see cref="Diagnostics.AksRunCommandDiagnostics"/> names the source and meter).</summary>
    public Diagnostics.AksRunCommandDiagnosticsOptions Diagnostics { get; } = new();

    /// <summary>The clock every wait goes through; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider), "TimeProvider must not be null (TimeProvider.System is the default).");
    }

    /// <summary>True when <see cref="HttpClient"/> comes from <c>AddAksRunCommandClient</c>, whose pipeline guards the run request next to the transport (so a cancelled start can tell that nothing was sent).</summary>
    internal bool HttpClientGuardsRunRequests { get; set; }

    /// <summary>The source of retry jitter, a number in [0, 1); tests seed it so waits repeat exactly.</summary>
    internal Func<double> Randomizer { get; set; } = Random.Shared.NextDouble;

    internal static Uri ValidateEndpoint(Uri? endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint, nameof(Endpoint));
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"Endpoint '{endpoint}' must be an absolute URI such as https://management.azure.com.", nameof(Endpoint));
        }

        var https = endpoint.Scheme == Uri.UriSchemeHttps;
        var loopbackHttp = endpoint.Scheme == Uri.UriSchemeHttp && IsLoopback(endpoint);
        if (!https && !loopbackHttp)
        {
            throw new ArgumentException($"Endpoint '{endpoint}' must use https (plain http is accepted only on a loopback address, for tests and the emulator).", nameof(Endpoint));
        }

        return endpoint;
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
}
