using System.CommandLine;

namespace AksRunCommand.Cli.Commands;

/// <summary>The options <c>invoke</c> and <c>result</c> share: where the cluster is, how to wait, how to print.</summary>
internal sealed class SharedOptions
{
    public Option<string> Subscription { get; } = new("--subscription") { Description = "Subscription id. Default: AZURE_SUBSCRIPTION_ID. With neither, aks-run runs against its embedded emulator." };

    public Option<string> ResourceGroup { get; } = new("--resource-group", "-g") { Description = "Resource group of the cluster." };

    public Option<string> Name { get; } = new("--name", "-n") { Description = "Name of the managed cluster." };

    public Option<string> Endpoint { get; } = new("--endpoint") { Description = "ARM endpoint (sovereign clouds, tests): https, or http on loopback. Default: https://management.azure.com." };

    public Option<string> ApiVersion { get; } = new("--api-version") { Description = $"ARM api-version. Default: {AksRunCommandClientOptions.DefaultApiVersion}." };

    public Option<string> Output { get; } = CreateOutput();

    public Option<bool> Emulator { get; } = new("--emulator") { Description = "Run against the embedded emulator even when a subscription is set." };

    public Option<int?> Timeout { get; } = CreateTimeout();

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Print the client's spans (run, run request, polls; ids, states, counts, never a token or the command) and stack traces of failures on stderr." };

    public ConnectionFlags Connection(ParseResult parse) =>
        new(parse.GetValue(Subscription), parse.GetValue(ResourceGroup), parse.GetValue(Name), parse.GetValue(Endpoint), parse.GetValue(ApiVersion), parse.GetValue(Emulator));

    private static Option<string> CreateOutput()
    {
        var output = new Option<string>("--output", "-o") { Description = "text: the command's logs verbatim on stdout; json: one JSON object.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        return output;
    }

    private static Option<int?> CreateTimeout()
    {
        var timeout = new Option<int?>("--timeout") { Description = "Stop waiting after this many seconds (the command keeps running; the message says how to resume). Default: no limit." };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0)
            {
                r.AddError("--timeout must be a positive number of seconds.");
            }
        });
        return timeout;
    }
}
