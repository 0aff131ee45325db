using System.Text.Json;
using WireMock;

namespace AksRunCommand.Testing;

// The run request: decode command and context, apply the script's start faults, accept and register.
public sealed partial class FakeAks
{
    private IResponseMessage OnRun(IRequestMessage request, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var route = FakeAksRoute.TryParse(request.Path)!;
        var target = ReadTarget(request, route);
        var (cluster, apiVersion, rejected) = (target.Cluster, target.ApiVersion, target.Rejected);
        var command = string.Empty;
        string? context = null;
        var clusterTokenPresent = false;
        IReadOnlyList<ContextFile> files = [];
        try
        {
            using var body = JsonDocument.Parse(request.Body ?? string.Empty);
            command = body.RootElement.GetProperty("command").GetString() ?? string.Empty;
            context = body.RootElement.TryGetProperty("context", out var c) ? c.GetString() : null;
            clusterTokenPresent = body.RootElement.TryGetProperty("clusterToken", out var t) && !string.IsNullOrEmpty(t.GetString());
            if (!string.IsNullOrEmpty(context))
            {
                files = CommandContextReader.ReadFiles(context).Select(f => new ContextFile(f.Key, f.Value)).ToList();
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            rejected ??= FakeAnswers.Error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'command' is required.");
        }
        catch (ArgumentException e)
        {
            rejected ??= FakeAnswers.Error(400, "InvalidContext", e.Message);
        }

        if (rejected is not null)
        {
            return Record(rejected, null);
        }

        if (target.Behaviour?.Forbidden == true)
        {
            return Record(FakeAnswers.Error(403, "AuthorizationFailed", $"The client does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/runcommand/action' over scope '{cluster.ResourceId}'."), null);
        }

        if (target.Behaviour?.PowerState is { } power && string.Equals(power, "Stopped", StringComparison.OrdinalIgnoreCase))
        {
            // Not seen in recorded traffic: AKS refuses operations its cluster's state forbids with OperationNotAllowed;
            // a stopped cluster has no API server to run the command pod on. Final: only starting it helps.
            return Record(FakeAnswers.Error(409, "OperationNotAllowed", $"Operation is not allowed because the managed cluster '{cluster.ClusterName}' is stopped (powerState Stopped). Start it with 'az aks start' and run the command again."), null);
        }

        if (target.Behaviour?.RunCommandIsDisabled == true)
        {
            return Record(FakeAnswers.Error(400, "OperationNotAllowed", $"Run command is disabled on the managed cluster '{cluster.ClusterName}' (apiServerAccessProfile.disableRunCommand is true). Enable it with 'az aks update --enable-run-command'."), null);
        }

        if (target.Behaviour?.StartRefusal is { } refusal)
        {
            return Record(FakeAnswers.Fault(refusal, null, _options.TimeProvider), null);
        }

        var script = target.Behaviour?.ScriptFor(command) ?? ScriptFor(command, files);
        var fault = script.TakeStartFault();
        if (fault is not null && !fault.Accepts)
        {
            delay = fault.Delay ?? TimeSpan.Zero;
            return Record(FakeAnswers.Fault(fault, null, _options.TimeProvider), null);
        }

        if ((target.Behaviour?.RequiresToken ?? _options.RequireClusterToken) && !clusterTokenPresent)
        {
            return Record(FakeAnswers.Error(400, "MissingAADClusterToken", "Cluster is AAD enabled, please provide a valid cluster token in the request."), null);
        }

        delay = fault?.Delay ?? TimeSpan.Zero;
        var id = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            Register(new FakeCommand(id, cluster, script, _options.TimeProvider.GetUtcNow()));
        }

        var accepted = FakeAnswers.Message(202, null);
        if (fault?.Kind != FakeFault.AnswerKind.AcceptedWithoutLocation)
        {
            accepted.AddHeader("Location", fault?.Location?.Replace("{id}", id, StringComparison.Ordinal) ?? FakeAnswers.Location(fault?.LocationHost ?? Endpoint, cluster, id, apiVersion));
        }

        return Record(FakeAnswers.WithHeaders(accepted, fault), id);

        IResponseMessage Record(IResponseMessage response, string? commandId)
        {
            var run = new RecordedRun(cluster, command, files, clusterTokenPresent, apiVersion, FakeAksRequests.HasAuthorization(request), FakeAksRequests.RedactedHeaders(request), FakeAksRequests.StatusOf(response), commandId, FakeAksRequests.RawPath(request), request.BodyAsBytes?.LongLength ?? System.Text.Encoding.UTF8.GetByteCount(request.Body ?? string.Empty));
            lock (_gate)
            {
                _runs.Add(run);
            }

            return target.Stamp(response);
        }
    }

    private CommandScript ScriptFor(string command, IReadOnlyList<ContextFile> files) =>
        _scripts.For(command) ?? DefaultBehaviour.For(command, files);
}
