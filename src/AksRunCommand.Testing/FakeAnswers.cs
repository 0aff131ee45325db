using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace AksRunCommand.Testing;

// How the fake's answers look on the wire: ARM's error shape, request id headers, Location in the lowercase
// casing real traffic uses, Retry-After in each form, and the faults rendered as WireMock sends them.
internal static class FakeAnswers
{
    public static ResponseMessage Error(int status, string code, string message, string? target = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (target is not null)
        {
            error["target"] = target;
        }

        return Json(status, new JsonObject { ["error"] = error });
    }

    // JsonNode, not reflection: the kit works where reflection-based serialization is off (trimmed apps, file-based apps).
    public static ResponseMessage Json(int status, JsonObject body)
    {
        var response = Message(status, body.ToJsonString());
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        return response;
    }

    public static ResponseMessage Message(int status, string? body)
    {
        var response = new ResponseMessage { StatusCode = status };
        if (body is not null)
        {
            response.BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 };
        }

        response.AddHeader("x-ms-request-id", Guid.NewGuid().ToString("D"));
        response.AddHeader("x-ms-correlation-request-id", Guid.NewGuid().ToString("D"));
        return response;
    }

    public static string Location(Uri host, ClusterId cluster, string id, string? apiVersion) =>
        $"{host.GetLeftPart(UriPartial.Authority)}/subscriptions/{cluster.SubscriptionId:D}/resourcegroups/{cluster.ResourceGroupName}/providers/Microsoft.ContainerService/managedclusters/{cluster.ClusterName}/commandResults/{id}?api-version={apiVersion}";

    /// <summary>A fault that does not accept a command: an error, a broken body, a state of its own, a reply.</summary>
    public static ResponseMessage Fault(FakeFault fault, string? commandId, TimeProvider timeProvider)
    {
        ResponseMessage response;
        switch (fault.Kind)
        {
            case FakeFault.AnswerKind.MalformedJson:
                response = Message(200, "{\"id\":\"" + commandId + "\",\"properties\":{\"provisioningState\":");
                response.AddHeader("Content-Type", "application/json");
                break;
            case FakeFault.AnswerKind.Transport:
                response = Message(fault.Status == 0 ? 200 : fault.Status, new string('x', 8192));
                response.FaultType = fault.Transport;
                break;
            case FakeFault.AnswerKind.Running:
                response = Json(202, new JsonObject { ["id"] = commandId, ["properties"] = new JsonObject { ["provisioningState"] = fault.State } });
                break;
            case FakeFault.AnswerKind.Reply:
                response = Message(fault.Status, fault.Body);
                if (fault.Body is not null)
                {
                    response.AddHeader("Content-Type", "application/json");
                }

                break;
            default:
                response = Error(fault.Status, fault.ErrorCode!, fault.ErrorMessage!, fault.ErrorTarget);
                if (fault.RetryAfter is { } wait)
                {
                    var (name, value) = RetryAfterHeader(wait, fault.RetryAfterForm, timeProvider);
                    response.AddHeader(name, value);
                }

                break;
        }

        return WithHeaders(response, fault);
    }

    /// <summary>The fault's own headers, in place of the fake's headers of the same name.</summary>
    public static ResponseMessage WithHeaders(ResponseMessage response, FakeFault? fault)
    {
        if (fault is null || fault.Headers.Count == 0)
        {
            return response;
        }

        response.Headers ??= new Dictionary<string, WireMockList<string>>();
        foreach (var (name, values) in fault.Headers)
        {
            foreach (var existing in response.Headers.Keys.Where(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                response.Headers.Remove(existing);
            }

            response.Headers[name] = new WireMockList<string>(values);
        }

        return response;
    }

    private static (string Name, string Value) RetryAfterHeader(TimeSpan wait, RetryAfterForm form, TimeProvider timeProvider) => form switch
    {
        RetryAfterForm.HttpDate => ("Retry-After", (timeProvider.GetUtcNow() + wait).ToString("r", CultureInfo.InvariantCulture)),
        RetryAfterForm.RetryAfterMs => ("retry-after-ms", ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
        RetryAfterForm.XMsRetryAfterMs => ("x-ms-retry-after-ms", ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
        _ => ("Retry-After", ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>The 200 of a finished command: <c>Succeeded</c> with exit code, times and logs, or <c>Failed</c> with its reason.</summary>
    public static ResponseMessage Finished(FakeCommand command, DateTimeOffset now, out string state)
    {
        var script = command.Script;
        var finishedAt = script.RunningTime is { } t ? command.StartedAt + t : now;
        if (script.FailureReason is { } reason)
        {
            state = command.State(ProvisioningStates.Failed);
            return Json(200, new JsonObject { ["id"] = command.Id, ["properties"] = new JsonObject { ["provisioningState"] = state, ["reason"] = reason } });
        }

        state = command.State(ProvisioningStates.Succeeded);
        return Json(200, new JsonObject
        {
            ["id"] = command.Id,
            ["properties"] = new JsonObject
            {
                ["provisioningState"] = state,
                ["exitCode"] = script.ExitCode,
                ["startedAt"] = command.StartedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["finishedAt"] = finishedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["logs"] = script.Logs,
            },
        }); // WireMock sends every body chunked, as ARM does
    }

    /// <summary>The 202 of a command still running, with its Location again, as real traffic has it.</summary>
    public static ResponseMessage Running(FakeCommand command, string state, Uri endpoint, string? apiVersion)
    {
        var response = Json(202, new JsonObject { ["id"] = command.Id, ["properties"] = new JsonObject { ["provisioningState"] = state } });
        response.AddHeader("Location", Location(endpoint, command.Cluster, command.Id, apiVersion));
        return response;
    }
}
