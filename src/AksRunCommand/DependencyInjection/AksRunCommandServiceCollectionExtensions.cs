using AksRunCommand;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="AksRunCommandClient"/> with dependency injection.</summary>
public static class AksRunCommandServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client uses, for further configuration.</summary>
    public const string HttpClientName = "AksRunCommand";

    /// <summary>
    /// Adds a singleton <see cref="AksRunCommandClient"/> whose HttpClient comes from <see cref="IHttpClientFactory"/>
    /// with Kiota's handlers. The credential is the registered <see cref="TokenCredential"/>, else a
    /// <see cref="DefaultAzureCredential"/>; the logger factory and <see cref="TimeProvider"/> come from the container when registered.
    /// </summary>
    /// <returns>
    /// The HttpClient builder, to add handlers of your own. A resilience handler (for example
    /// <c>AddStandardResilienceHandler</c>) may retry the polls; the run request is guarded next to the primary
    /// handler and reaches the network once whatever a handler retries (a second send fails with an
    /// <see cref="AksRunCommand.ArmRequestFailedException"/> that says the command may have started). The client
    /// retries what is safe to retry itself, so such a handler adds little.
    /// </returns>
    public static IHttpClientBuilder AddAksRunCommandClient(this IServiceCollection services, Action<AksRunCommandClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Http.IHttpMessageHandlerBuilderFilter, RunRequestGuardFilter>());
        var http = services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, EnableMultipleHttp2Connections = true })
            .ConfigureHttpClient(c => c.DefaultRequestHeaders.UserAgent.ParseAdd(AksRunCommandClient.UserAgent))
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) =>
            {
                // None of Kiota's default handlers: the facade owns retries and redirects (and its POST must never be
                // resent), reads the headers it needs itself and sets its own User-Agent; as the plain client.
                handlers.Add(new AksRunCommand.Http.Http2PreferredHandler());
            });

        services.TryAddSingleton(provider =>
        {
            var options = new AksRunCommandClientOptions
            {
                LoggerFactory = provider.GetService<ILoggerFactory>(),
                TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System,
            };
            configure?.Invoke(options);
            if (options.HttpClient is null)
            {
                options.HttpClient = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
                options.HttpClientGuardsRunRequests = true; // RunRequestGuardFilter put the guard next to the primary handler
            }

            var credential = provider.GetService<TokenCredential>() ?? new DefaultAzureCredential();
            return new AksRunCommandClient(credential, options);
        });
        return http;
    }
}
