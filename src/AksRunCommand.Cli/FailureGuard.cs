using Azure;
using Azure.Identity;

namespace AksRunCommand.Cli;

/// <summary>Every failure of the tool's own: one line on stderr (the stack only with --verbose), exit 255.</summary>
internal static class FailureGuard
{
    public const int OwnFailure = ExitStatus.OwnFailure;

    public static async Task<int> RunAsync(CliHost host, bool verbose, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is CliFailure or ArgumentException or AksRunCommandException or AuthenticationFailedException or CredentialUnavailableException or RequestFailedException or InvalidOperationException or IOException or HttpRequestException or OperationCanceledException)
        {
            return Report(host, verbose, OneLine(e), e);
        }
        catch (Exception e)
        {
            // The last resort: never the runtime's exit 1 and its stack trace, which would read as the remote command's exit code.
            return Report(host, verbose, $"unexpected failure ({e.GetType().Name}): {OneLine(e)}", e);
        }
    }

    public static int Report(CliHost host, bool verbose, string line, Exception e)
    {
        host.Error.WriteLine($"aks-run: error: {line}");
        if (verbose)
        {
            host.Error.WriteLine(e.ToString());
        }

        return OwnFailure;
    }

    private static string OneLine(Exception e)
    {
        var message = e is ArgumentException { ParamName: not null } a ? a.Message.Replace($" (Parameter '{a.ParamName}')", string.Empty, StringComparison.Ordinal) : e.Message;
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
    }
}
