using System.Globalization;
using AksRunCommand.Http;

namespace AksRunCommand.Errors;

// Turns a failed ARM answer into one readable sentence that names what to do, keeping every field.
internal static class ArmErrors
{
    public const string MissingAadClusterToken = "MissingAADClusterToken";

    public static ArmRequestFailedException FromResponse(ArmResponse response, string action, ClusterId cluster, string? commandId)
    {
        var error = response.ParseError();
        var code = error?.Code;
        var mayHaveStarted = commandId is null && response.Status >= 500;
        var what = code is null ? $"HTTP {response.Status}" : $"HTTP {response.Status} ({code})";
        var message = $"ARM answered {what} to {action} on cluster '{cluster.ClusterName}' in resource group '{cluster.ResourceGroupName}'"
            + (string.IsNullOrWhiteSpace(error?.Message) ? "." : $": {error.Message.TrimEnd('.')}.")
            + Hint(response.Status, code, commandId, mayHaveStarted)
            + Ids(response)
            + (commandId is not null && response.Status != 404 ? ResumeHint.For(commandId) : string.Empty);
        return new ArmRequestFailedException(message)
        {
            Status = response.Status,
            ErrorCode = code,
            ErrorMessage = error?.Message,
            Target = error?.Target,
            Details = error?.Details ?? [],
            RequestId = response.RequestId,
            CorrelationRequestId = response.CorrelationRequestId,
            CommandId = commandId,
            CommandMayHaveStarted = mayHaveStarted,
        };
    }

    public static ArmRequestFailedException NoAnswerToStart(ClusterId cluster, Exception fault) => new(
        $"The runCommand request for cluster '{cluster.ClusterName}' got no answer ({fault.GetType().Name}: {fault.Message.TrimEnd('.')}). The command may or may not have started; it was not sent again. Check the cluster before running it again.",
        fault)
    {
        CommandMayHaveStarted = true,
    };

    public static ArmRequestFailedException NoAnswerToPoll(ClusterId cluster, string commandId, Exception fault) => new(
        $"Polling command {commandId} on cluster '{cluster.ClusterName}' failed after every retry ({fault.GetType().Name}: {fault.Message.TrimEnd('.')}).{ResumeHint.For(commandId)}",
        fault)
    {
        CommandId = commandId,
    };

    public static ArmRequestFailedException ResendRefused(ClusterId cluster, RunRequestResendRefusedException refused)
    {
        var first = refused.Answers.Count > 0 ? refused.Answers[0] : 0;
        var mayHaveStarted = first is 0 or >= 500 || (first is >= 200 and < 300);
        return new ArmRequestFailedException(
            $"{refused.Message} Cluster '{cluster.ClusterName}': "
            + (mayHaveStarted ? "the command may or may not have started; check the cluster before running it again." : "the service did not accept the command.")
            + " Remove POST retries from the HttpClient's handlers (for a standard resilience handler: Retry.DisableForUnsafeHttpMethods()).",
            refused)
        {
            Status = first,
            CommandMayHaveStarted = mayHaveStarted,
        };
    }

    public static ArmRequestFailedException AcceptedWithoutLocation(ArmResponse response, ClusterId cluster) => new(
        $"ARM accepted the runCommand request for cluster '{cluster.ClusterName}' (HTTP {response.Status}) but sent no usable Location header, so the command id is unknown. The command may be running; it was not sent again."
        + Ids(response))
    {
        Status = response.Status,
        RequestId = response.RequestId,
        CorrelationRequestId = response.CorrelationRequestId,
        CommandMayHaveStarted = true,
    };

    /// <summary>A managedClusters read (a get, or a page of a list) that ARM refused: a read starts nothing, so nothing "may have started".</summary>
    public static ArmRequestFailedException ReadFailed(ArmResponse response, string what)
    {
        var error = response.ParseError();
        var code = error?.Code;
        var status = code is null ? $"HTTP {response.Status}" : $"HTTP {response.Status} ({code})";
        var hint = response.Status switch
        {
            404 => " Check the subscription, resource group and cluster name.",
            401 => " The bearer token was refused: check the credential and its tenant.",
            403 => " The caller needs Microsoft.ContainerService/managedClusters/read on the clusters (for example the Reader role on the subscription or resource group).",
            >= 500 => " ARM kept failing after every retry; try again later.",
            _ => string.Empty,
        };
        return new ArmRequestFailedException(
            $"ARM answered {status} to {what}" + (string.IsNullOrWhiteSpace(error?.Message) ? "." : $": {error.Message.TrimEnd('.')}.") + hint + Ids(response))
        {
            Status = response.Status,
            ErrorCode = code,
            ErrorMessage = error?.Message,
            Target = error?.Target,
            Details = error?.Details ?? [],
            RequestId = response.RequestId,
            CorrelationRequestId = response.CorrelationRequestId,
        };
    }

    /// <summary>A managedClusters read that got no answer (connection faults, timeouts) after every retry.</summary>
    public static ArmRequestFailedException NoAnswerToRead(string what, Exception fault, int attempts) => new(
        string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(what[0])}{what[1..]} got no answer after {attempts} attempt(s) ({fault.GetType().Name}: {fault.Message.TrimEnd('.')})."),
        fault);

    /// <summary>A managedClusters read that ARM answered with something the client cannot use (a nextLink on another host, an unreadable body).</summary>
    public static ArmRequestFailedException UnusableRead(ArmResponse response, string what, string problem, Exception? inner = null) => new(
        $"ARM answered HTTP {response.Status} to {what}, but {problem}." + Ids(response),
        inner)
    {
        Status = response.Status,
        RequestId = response.RequestId,
        CorrelationRequestId = response.CorrelationRequestId,
    };

    public static string Ids(ArmResponse response) =>
        response.RequestId is null && response.CorrelationRequestId is null
            ? string.Empty
            : $" (x-ms-request-id: {response.RequestId ?? "none"}, x-ms-correlation-request-id: {response.CorrelationRequestId ?? "none"})";

    private static string Hint(int status, string? code, string? commandId, bool mayHaveStarted)
    {
        if (string.Equals(code, MissingAadClusterToken, StringComparison.OrdinalIgnoreCase))
        {
            return " The cluster uses Microsoft Entra ID integration: use ClusterTokenMode.Auto or Always with a credential that can get a token for the AKS server application 6dae42f8-4368-4678-94ff-3960e28e3630.";
        }

        return status switch
        {
            404 when commandId is not null => string.Create(CultureInfo.InvariantCulture, $" Command id {commandId} is unknown or has expired on this cluster."),
            404 => " Check the subscription, resource group and cluster name.",
            401 => " The bearer token was refused: check the credential and its tenant.",
            403 => " The caller needs Microsoft.ContainerService/managedClusters/runcommand/action and Microsoft.ContainerService/managedClusters/commandResults/read on the cluster.",
            413 => " The request is too large: attach less context.",
            429 when commandId is null => " ARM throttled the request after every retry; the command was not started. Try again later.",
            429 => " ARM throttled the poll after every retry.",
            _ when mayHaveStarted => " The command may or may not have started; it was not sent again.",
            _ => string.Empty,
        };
    }
}
