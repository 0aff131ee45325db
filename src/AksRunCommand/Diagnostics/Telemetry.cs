using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace AksRunCommand.Diagnostics;

// The library's ActivitySource and Meter, and the names of what they carry. Attribute names follow the OpenTelemetry
// semantic conventions where one exists (error.type, cloud.resource_id, http.*) and the Azure SDK's (az.*); the rest
// are namespaced aks.runcommand.*. Nothing here ever sees a token; the command text only when the options allow it.
internal static class Telemetry
{
    public const string Namespace = "Microsoft.ContainerService";

    // Span names: the client method, or the spec's operationId for a single ARM request.
    public const string RunSpan = "AksRunCommandClient.RunCommand";
    public const string WaitSpan = "RunCommandOperation.WaitForCompletion";
    public const string FleetSpan = "AksRunCommandClient.RunOnFleet";
    public const string StartSpan = "ManagedClusters.RunCommand";
    public const string PollSpan = "ManagedClusters.GetCommandResult";

    public const string AzNamespace = "az.namespace";
    public const string ClientRequestId = "az.client_request_id";
    public const string ServiceRequestId = "az.service_request_id";
    public const string ResendCount = "http.request.resend_count";
    public const string StatusCode = "http.response.status_code";
    public const string ErrorType = "error.type";
    public const string ClusterResourceId = "cloud.resource_id";
    public const string CommandId = "aks.runcommand.command_id";
    public const string ApiVersion = "aks.runcommand.api_version";
    public const string Outcome = "aks.runcommand.outcome";
    public const string ExitCode = "aks.runcommand.exit_code";
    public const string State = "aks.runcommand.provisioning_state";
    public const string PollCount = "aks.runcommand.poll_count";
    public const string RetryCount = "aks.runcommand.retry_count";
    public const string ClusterToken = "aks.runcommand.cluster_token";
    public const string CommandText = "aks.runcommand.command";
    public const string Request = "aks.runcommand.request";
    public const string FleetClusters = "aks.runcommand.fleet.clusters";
    public const string FleetMaxParallel = "aks.runcommand.fleet.max_parallel";
    public const string FleetSucceeded = "aks.runcommand.fleet.succeeded";
    public const string FleetFailed = "aks.runcommand.fleet.failed";
    public const string FleetSkipped = "aks.runcommand.fleet.skipped";
    public const string FleetStopReason = "aks.runcommand.fleet.stop_reason";

    /// <summary>Values of <see cref="Request"/>: which ARM request a throttle or a retry was of.</summary>
    public const string RunRequest = "run";
    public const string PollRequest = "poll";

    private static readonly string Version = typeof(Telemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    public static readonly ActivitySource Source = new(AksRunCommandDiagnostics.ActivitySourceName, Version);

    private static readonly Meter Meter = new(AksRunCommandDiagnostics.MeterName, Version);

    public static readonly Counter<long> CommandsStarted = Meter.CreateCounter<long>(
        "aks.runcommand.commands.started", "{command}", "Commands the service accepted.");

    public static readonly Counter<long> CommandsCompleted = Meter.CreateCounter<long>(
        "aks.runcommand.commands.completed", "{command}", "Commands a poll saw finished, by outcome (the provisioning state: succeeded, failed, canceled).");

    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "aks.runcommand.command.duration", "s", "From the service's acceptance to the poll that saw the command finished (commands this client started).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600] });

    public static readonly Histogram<int> CommandPolls = Meter.CreateHistogram<int>(
        "aks.runcommand.command.polls", "{poll}", "Polls a command needed until a poll saw it finished.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 3, 5, 10, 20, 50, 100, 200] });

    public static readonly Counter<long> ThrottledResponses = Meter.CreateCounter<long>(
        "aks.runcommand.throttled_responses", "{response}", "HTTP 429 answers of ARM, by request (run, poll).");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "aks.runcommand.retries", "{retry}", "Requests sent again after a transient fault or a throttle, by request (run, poll).");

    public static readonly UpDownCounter<long> ActiveOperations = Meter.CreateUpDownCounter<long>(
        "aks.runcommand.operations.active", "{operation}", "Operations the client's poll loop is waiting for.");

    /// <summary>A span of the library with the attributes every one of them carries; null when nobody listens.</summary>
    public const string SubscriptionId = "aks.runcommand.subscription_id";

    // The budgets of every live client, for the request-rate gauge (weakly: a client that goes away takes its own).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Polling.RequestBudgets, object> Budgets = [];

    public static readonly ObservableGauge<double> RequestRate = Meter.CreateObservableGauge(
        "aks.runcommand.subscription.request_rate", ObserveRates, "{request}/s", "The request rate the client allows itself per subscription, learned from the service's answers (its 429s).");

    /// <summary>Puts a client's budgets under the request-rate gauge.</summary>
    public static void Observe(Polling.RequestBudgets budgets) => Budgets.AddOrUpdate(budgets, budgets);

    private static IEnumerable<Measurement<double>> ObserveRates()
    {
        foreach (var (budgets, _) in Budgets)
        {
            foreach (var (subscription, rate) in budgets.LearnedRates)
            {
                yield return new Measurement<double>(rate, new KeyValuePair<string, object?>(SubscriptionId, subscription.ToString("D")));
            }
        }
    }

    public static Activity? Start(string name, ClusterId cluster, string? commandId = null)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(AzNamespace, Namespace);
            activity.SetTag(ClusterResourceId, cluster.ResourceId);
            if (commandId is not null)
            {
                activity.SetTag(CommandId, commandId);
            }
        }

        return activity;
    }

    /// <summary>
    /// Records how a span ended without a result. A stopped wait (cancelled, or its maximum wait elapsed; the command
    /// keeps running) and a cancelled start are outcomes, not errors; anything else is an error: status, <c>error.type</c>,
    /// the message (the library's messages hold no secret).
    /// </summary>
    public static void Fail(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        var outcome = error switch
        {
            RunCommandWaitCanceledException => "wait_stopped",
            RunCommandStartCanceledException => "start_canceled",
            _ => "error",
        };
        activity.SetTag(Outcome, outcome);
        var id = error switch
        {
            AksRunCommandException failed => failed.CommandId,
            RunCommandWaitCanceledException stopped => stopped.CommandId,
            _ => null,
        };
        if (id is not null)
        {
            activity.SetTag(CommandId, id);
        }

        if (outcome == "error")
        {
            activity.SetTag(ErrorType, error.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }

    /// <summary>Records what a finished command gave on a run or wait span.</summary>
    public static void Finished(Activity? activity, CommandResult result)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(Outcome, OutcomeOf(result.ProvisioningState));
        activity.SetTag(State, result.ProvisioningState);
        if (result.ExitCode is { } exitCode)
        {
            activity.SetTag(ExitCode, exitCode);
        }

        if (!string.Equals(result.ProvisioningState, ProvisioningStates.Succeeded, StringComparison.OrdinalIgnoreCase))
        {
            activity.SetStatus(ActivityStatusCode.Error, "the command ended " + result.ProvisioningState);
        }
    }

    /// <summary>The metrics of a command a poll saw finished.</summary>
    public static void Completed(CommandResult result, int polls, TimeSpan? sinceAccepted)
    {
        var outcome = new KeyValuePair<string, object?>(Outcome, OutcomeOf(result.ProvisioningState));
        CommandsCompleted.Add(1, outcome);
        CommandPolls.Record(polls, outcome);
        if (sinceAccepted is { } duration)
        {
            CommandDuration.Record(duration.TotalSeconds, outcome);
        }
    }

    /// <summary>What one ARM answer tells a request's span and the throttling count.</summary>
    public static void Answered(Activity? span, Http.ArmResponse response, string request, int attempts)
    {
        if (response.Status == 429)
        {
            Throttled(request);
        }

        if (span is null)
        {
            return;
        }

        span.SetTag(StatusCode, response.Status);
        span.SetTag(ResendCount, attempts - 1);
        span.SetTag(ServiceRequestId, response.RequestId);
    }

    /// <summary>A request of <paramref name="span"/> (a run request or a poll) will be sent again: when and why, as an event on the span, and counted.</summary>
    public static void Retrying(Activity? span, string request, int? status, string? errorType, TimeSpan delay, int attempt)
    {
        Retried(request);
        span?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
        {
            [status is not null ? StatusCode : ErrorType] = status is { } code ? code : errorType,
            ["aks.runcommand.retry.delay"] = delay.TotalSeconds,
            ["aks.runcommand.retry.attempt"] = attempt,
        }));
    }

    public static void Throttled(string request) => ThrottledResponses.Add(1, new KeyValuePair<string, object?>(Request, request));

    public static void Retried(string request) => Retries.Add(1, new KeyValuePair<string, object?>(Request, request));

    // Low-cardinality: the provisioning states the service documents, anything else "other".
    private static string OutcomeOf(string? state) => state switch
    {
        _ when string.Equals(state, ProvisioningStates.Succeeded, StringComparison.OrdinalIgnoreCase) => "succeeded",
        _ when string.Equals(state, ProvisioningStates.Failed, StringComparison.OrdinalIgnoreCase) => "failed",
        _ when string.Equals(state, "Canceled", StringComparison.OrdinalIgnoreCase) => "canceled",
        _ => "other",
    };
}
