using System.CommandLine;
using System.Text.Json;
using Azure;
using Azure.Identity;

namespace AksRunCommand.Cli;

/// <summary>
/// The <c>aks-run</c> command line (System.CommandLine): <c>invoke</c> and <c>result</c>. Exit status: the remote
/// command's exit code when it ran; 255 for every failure of the tool's own, told in one line on stderr.
/// </summary>
internal static class AksRunApp
{
    public const int OwnFailure = 255;

    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken)
    {
        var root = BuildCommandLine(host);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command == root ? "aks-run" : $"aks-run {parsed.CommandResult.Command.Name}";
            host.Error.WriteLine($"aks-run: error: {parsed.Errors[0].Message} (see '{command} --help').");
            return OwnFailure;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error, ProcessTerminationTimeout = null }, cancellationToken);
    }

    private static RootCommand BuildCommandLine(CliHost host)
    {
        var subscription = new Option<string>("--subscription") { Description = "Subscription id. Default: AZURE_SUBSCRIPTION_ID. With neither, aks-run runs against its embedded emulator." };
        var resourceGroup = new Option<string>("--resource-group", "-g") { Description = "Resource group of the cluster." };
        var name = new Option<string>("--name", "-n") { Description = "Name of the managed cluster." };
        var endpoint = new Option<string>("--endpoint") { Description = "ARM endpoint (sovereign clouds, tests): https, or http on loopback. Default: https://management.azure.com." };
        var apiVersion = new Option<string>("--api-version") { Description = $"ARM api-version. Default: {AksRunCommandClientOptions.DefaultApiVersion}." };
        var output = new Option<string>("--output", "-o") { Description = "text: the command's logs verbatim on stdout; json: one JSON object.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var emulator = new Option<bool>("--emulator") { Description = "Run against the embedded emulator even when a subscription is set." };
        var timeout = new Option<int?>("--timeout") { Description = "Stop waiting after this many seconds (the command keeps running; the message says how to resume). Default: no limit." };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0)
            {
                r.AddError("--timeout must be a positive number of seconds.");
            }
        });
        var verbose = new Option<bool>("--verbose") { Description = "Print stack traces of failures." };

        var command = new Option<string>("--command", "-c") { Description = "The command line to run on the cluster, for example \"kubectl get pods -A\".", Required = true };
        var files = new Option<string[]>("--file", "-f") { Description = "Attach a file (flat, under its own name) or a folder (recursively, under its own name); '.' attaches the current folder recursively and cannot be combined. Repeatable." };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the command id on stdout and exit 0 without waiting; get the result later with 'aks-run result'." };

        var invoke = new Command("invoke", "Run a command on an AKS cluster and wait for it; exits with the command's exit code.")
        {
            command, files, resourceGroup, name, subscription, endpoint, apiVersion, timeout, noWait, output, emulator, verbose,
        };
        invoke.SetAction((parse, ct) => Guard(host, parse.GetValue(verbose), async () =>
        {
            var flags = Flags(parse, subscription, resourceGroup, name, endpoint, apiVersion, emulator);
            var content = new RunCommandContent(parse.GetValue(command)!);
            if (parse.GetValue(files) is { Length: > 0 } paths)
            {
                content.Context = CommandContextBuilder.FromCliPaths(paths, host.WorkingDirectory).Build();
            }

            using var target = Target.Resolve(flags, host);
            var status = new StatusReporter(host);
            RunCommandOperation operation;
            try
            {
                operation = await target.Client.RunCommandAsync(WaitUntil.Started, target.Cluster, content, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw new CliFailure("cancelled while the run request was in flight: the command may or may not have started.");
            }

            status.Started(operation.Id, target.Cluster);
            if (parse.GetValue(noWait))
            {
                host.Out.WriteLine(operation.Id);
                return 0;
            }

            return await WaitAsync(host, target, operation, status, parse.GetValue(timeout), parse.GetValue(output) == "json", ct);
        }));

        var commandId = new Option<string>("--command-id") { Description = "The id 'aks-run invoke' printed (or named in its timeout message).", Required = true };
        var result = new Command("result", "Wait for a command started earlier and print its result; exits with the command's exit code.")
        {
            commandId, resourceGroup, name, subscription, endpoint, apiVersion, timeout, output, emulator, verbose,
        };
        result.SetAction((parse, ct) => Guard(host, parse.GetValue(verbose), async () =>
        {
            using var target = Target.Resolve(Flags(parse, subscription, resourceGroup, name, endpoint, apiVersion, emulator), host);
            var operation = target.Client.GetRunCommandOperation(target.Cluster, parse.GetValue(commandId)!);
            return await WaitAsync(host, target, operation, new StatusReporter(host), parse.GetValue(timeout), parse.GetValue(output) == "json", ct);
        }));

        return new RootCommand("aks-run: run a command on an Azure Kubernetes Service cluster through ARM and exit with its exit code.\n"
            + "Credentials: AKS_RUN_ACCESS_TOKEN (a bearer token, used as is) or DefaultAzureCredential.")
        {
            invoke, result,
        };
    }

    private static async Task<int> WaitAsync(CliHost host, Target target, RunCommandOperation operation, StatusReporter status, int? timeoutSeconds, bool json, CancellationToken cancellationToken)
    {
        CommandResult result;
        try
        {
            var options = new RunCommandWaitOptions { Progress = status, MaxWait = timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null };
            result = await status.WatchAsync(() => operation.WaitForCompletionAsync(options, cancellationToken));
        }
        catch (RunCommandWaitCanceledException stopped)
        {
            var why = stopped.MaxWaitElapsed ? $"--timeout {timeoutSeconds} s elapsed" : "cancelled";
            var emulatorNote = target.IsEmulator ? " (the embedded emulator keeps nothing between runs)" : string.Empty;
            throw new CliFailure($"stopped waiting for command {stopped.CommandId} ({why}); it keeps running on the cluster. Resume with: aks-run result --command-id {stopped.CommandId} {target.ResumeTarget}{emulatorNote}");
        }

        status.Finished(result);
        if (json)
        {
            host.Out.WriteLine(JsonSerializer.Serialize(JsonResult.From(result), CliJsonContext.Default.JsonResult));
        }
        else
        {
            host.Out.Write(result.Logs);
        }

        if (!result.HasRun)
        {
            throw new CliFailure($"command {result.CommandId} could not run: {result.ProvisioningState}{(result.Reason is null ? string.Empty : $" ({result.Reason})")}.");
        }

        return result.ExitCode is { } code ? code & 0xFF : throw new CliFailure($"command {result.CommandId} ran but the service gave no exit code.");
    }

    // Every failure of the tool's own: one line on stderr (the stack only with --verbose), exit 255.
    private static async Task<int> Guard(CliHost host, bool verbose, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is CliFailure or ArgumentException or AksRunCommandException or AuthenticationFailedException or CredentialUnavailableException or RequestFailedException or InvalidOperationException or IOException or HttpRequestException or OperationCanceledException)
        {
            host.Error.WriteLine($"aks-run: error: {OneLine(e)}");
            if (verbose)
            {
                host.Error.WriteLine(e.ToString());
            }

            return OwnFailure;
        }
    }

    private static string OneLine(Exception e)
    {
        var message = e is ArgumentException { ParamName: not null } a ? a.Message.Replace($" (Parameter '{a.ParamName}')", string.Empty, StringComparison.Ordinal) : e.Message;
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
    }

    private static TargetOptions Flags(ParseResult parse, Option<string> subscription, Option<string> resourceGroup, Option<string> name, Option<string> endpoint, Option<string> apiVersion, Option<bool> emulator) =>
        new(parse.GetValue(subscription), parse.GetValue(resourceGroup), parse.GetValue(name), parse.GetValue(endpoint), parse.GetValue(apiVersion), parse.GetValue(emulator));
}
