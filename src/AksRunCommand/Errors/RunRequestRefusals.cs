using System.Globalization;
using System.Text.RegularExpressions;

namespace AksRunCommand;

/// <summary>
/// Whether an error answer to a run request is final (no rerun can change it: 404, 403, 413, a bad request, a
/// cluster that cannot run commands) or retryable (the service asked to come back: 429, 401 with an expired
/// token, 408, a 409 or an error whose message says to retry later, <c>KubernetesPerformanceError</c>). Either way
/// the command did not start; a fleet rerun starts the retryable ones again.
/// </summary>
internal static partial class RunRequestRefusals
{
    private static readonly string[] RetryableCodes = ["TooManyRequests", "KubernetesPerformanceError", "RetryableError", "ServerBusy", "Throttled", "OperationPreempted"];
    private static readonly string[] RetryLater = ["retry later", "try again later", "retry after", "try again after", "please retry", "please try again", "in progress", "temporarily"];

    public static bool IsRetryable(int status, string? code, string? message)
    {
        if (status is 429 or 401 or 408)
        {
            return true;
        }

        if (code is not null && RetryableCodes.Any(c => code.Contains(c, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var saysRetry = message is not null && RetryLater.Any(m => message.Contains(m, StringComparison.OrdinalIgnoreCase));
        return saysRetry && status is >= 400 and < 500 and not (403 or 404 or 413);
    }

    /// <summary>A refusal's one-line reason as a version-1 journal recorded it ("ARM answered HTTP 404 (Code) to ..."): final unless it reads as retryable.</summary>
    public static bool IsFinal(string? line)
    {
        if (line is null || StatusAndCode().Match(line) is not { Success: true } match)
        {
            return true; // a version-1 refusal without a status (bad input): final, as version 1 treated every refusal
        }

        var status = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var code = match.Groups[2].Success ? match.Groups[2].Value : null;
        return !IsRetryable(status, code, line);
    }

    [GeneratedRegex(@"HTTP (\d{3})(?: \(([A-Za-z0-9_.]+)\))?", RegexOptions.CultureInvariant)]
    private static partial Regex StatusAndCode();
}
