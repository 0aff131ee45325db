using WireMock;

namespace AksRunCommand.Testing;

// The commandResults poll: 404 for an unknown id, the script's poll faults, Running until the script ends, then the result.
public sealed partial class FakeAks
{
    private IResponseMessage OnPoll(IRequestMessage request, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var route = FakeAksRoute.TryParse(request.Path)!;
        var target = ReadTarget(request, route);
        var (cluster, apiVersion, rejected) = (target.Cluster, target.ApiVersion, target.Rejected);
        if (rejected is not null)
        {
            if (FakeAksRequests.StatusOf(rejected) == 429)
            {
                RecordPoll(new RecordedPoll(cluster, route.CommandId!, apiVersion, FakeAksRequests.HasAuthorization(request), 429, null, FakeAksRequests.RawPath(request)));
            }

            return rejected;
        }

        var id = route.CommandId!;
        FakeCommand? command;
        lock (_gate)
        {
            _commands.TryGetValue(id, out command);
        }

        IResponseMessage response;
        string? state = null;
        if (command is null || command.Cluster != cluster)
        {
            response = FakeAnswers.Error(404, "NotFound", $"Command '{id}' was not found; it is unknown or has expired.");
        }
        else if (command.Script.TakePollFault() is { } fault)
        {
            delay = fault.Delay ?? TimeSpan.Zero;
            state = fault.State;
            response = FakeAnswers.Fault(fault, id, _options.TimeProvider);
        }
        else
        {
            lock (_gate)
            {
                command.Polls++;
            }

            var now = _options.TimeProvider.GetUtcNow();
            if (command.IsRunning(now))
            {
                state = command.State(ProvisioningStates.Running);
                response = FakeAnswers.Running(command, state, Endpoint, apiVersion);
            }
            else
            {
                response = FakeAnswers.Finished(command, now, out state);
                lock (_gate)
                {
                    ReportEnd(command);
                }
            }
        }

        RecordPoll(new RecordedPoll(cluster, id, apiVersion, FakeAksRequests.HasAuthorization(request), FakeAksRequests.StatusOf(response), state, FakeAksRequests.RawPath(request)));
        return target.Stamp(response);
    }

    private void RecordPoll(RecordedPoll poll)
    {
        lock (_gate)
        {
            _polls.Add(poll);
        }
    }
}
