using AksRunCommand.Testing;
using Azure.Core;
using Azure.Identity;

namespace AksRunCommand.Cli;

/// <summary>The client every command of the tool uses: the endpoint, the api-version, and the credential (AKS_RUN_ACCESS_TOKEN, the emulator's, or DefaultAzureCredential).</summary>
internal static class ArmClientFactory
{
    public static AksRunCommandClient Create(Uri endpoint, string? apiVersion, CliHost host, bool emulator)
    {
        var options = new AksRunCommandClientOptions { Endpoint = endpoint, TimeProvider = host.TimeProvider, Transport = host.Transport };
        if (apiVersion is not null)
        {
            options.ApiVersion = apiVersion;
        }

        var token = host.Environment("AKS_RUN_ACCESS_TOKEN") is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;
        TokenCredential credential = token is not null ? new AccessTokenCredential(token)
            : emulator ? new FakeTokenCredential()
            : new DefaultAzureCredential();
        return new AksRunCommandClient(credential, options);
    }

    /// <summary>The --endpoint flag, checked by the client's own rule (https, or http on loopback), whose message names the rule.</summary>
    public static Uri ParseEndpoint(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new CliFailure($"--endpoint '{value}' is not an absolute URL such as https://management.azure.com.");
        }

        return new AksRunCommandClientOptions { Endpoint = uri }.Endpoint;
    }
}
