using AksRunCommand.Http;
using Microsoft.Extensions.Http;

namespace Microsoft.Extensions.DependencyInjection;

// Runs after every configuration of the named client, the application's own handlers included, and puts the
// run request's guard next to the primary handler: inside any retry or resilience handler, so the POST goes out once.
internal sealed class RunRequestGuardFilter : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (string.Equals(builder.Name, AksRunCommandServiceCollectionExtensions.HttpClientName, StringComparison.Ordinal))
        {
            builder.PrimaryHandler = new RunRequestGuardHandler(builder.PrimaryHandler);
        }
    };
}
