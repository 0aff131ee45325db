using Azure;
using Azure.Identity;

namespace AksRunCommand.Cli;

/// <summary>Every failure of the tool's own: one line on stderr (the stack only with --verbose), exit 255.</summary>
internal static class FailureGuard
{
    public const int OwnFailure = 255;

    public static async Task<int> RunAsync(CliHost host, bool verbose, Func<Task<int>> action)
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
}
