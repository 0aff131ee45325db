using System.Diagnostics;
using System.Text.Json;
using AksRunCommand.Diagnostics;
using AksRunCommand.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AksRunCommand.Polling;

// Polly retry pipelines: polls retry every transient fault; the start retries only a 429, the one answer
// that proves the service did not accept the command. Without a Retry-After the wait is Polly's exponential
// backoff with jitter; with one it is the Retry-After (a floor) plus up to 10 % jitter, so a thousand throttled
// operations do not come back in lockstep.
internal static class ArmRetryPipelines
{
    /// <summary>Told <c>true</c> when a retry's backoff begins, so a waiter's deadline can end during it.</summary>
    public static readonly ResiliencePropertyKey<Action<bool>> BackingOff = new("AksRunCommand.BackingOff");

    private const double RetryAfterJitter = 0.1;
    // A poll's 429 is not retried here: the scheduler pauses the subscription's reads for its Retry-After and
    // polls again after it, so a throttled fleet queues instead of spending retries.
    private static readonly int[] TransientStatuses = [408, 500, 502, 503, 504];

    public static ResiliencePipeline<ArmResponse> ForPolls(ArmRetryOptions options, TimeProvider timeProvider, Func<double> randomizer, ILogger logger) =>
        Build(options, timeProvider, randomizer, logger, "Poll", Telemetry.PollRequest, IsTransientPollOutcome);

    public static ResiliencePipeline<ArmResponse> ForStart(ArmRetryOptions options, TimeProvider timeProvider, Func<double> randomizer, ILogger logger) =>
        Build(options, timeProvider, randomizer, logger, "Run request", Telemetry.RunRequest, static outcome => outcome.Result?.Status == 429);

    private static ResiliencePipeline<ArmResponse> Build(ArmRetryOptions options, TimeProvider timeProvider, Func<double> randomizer, ILogger logger, string action, string request, Func<Outcome<ArmResponse>, bool> isTransient)
    {
        if (options.MaxRetries == 0)
        {
            return ResiliencePipeline<ArmResponse>.Empty;
        }

        return new ResiliencePipelineBuilder<ArmResponse> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<ArmResponse>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.Delay,
                MaxDelay = options.MaxDelay,
                Randomizer = randomizer,
                ShouldHandle = args => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested && isTransient(args.Outcome)),
                DelayGenerator = args =>
                {
                    // null: Polly's jittered exponential backoff. A Retry-After is a floor, never shortened.
                    var retryAfter = args.Outcome.Result is { } response ? RetryAfter.Read(response, timeProvider, logger) : null;
                    return ValueTask.FromResult(retryAfter is { } floor ? floor + (floor * (RetryAfterJitter * randomizer())) : (TimeSpan?)null);
                },
                OnRetry = args =>
                {
                    var outcome = args.Outcome.Result is { } r ? $"HTTP {r.Status}" : args.Outcome.Exception?.GetType().Name ?? "nothing";
                    RunCommandLog.Retrying(logger, action, outcome, args.AttemptNumber + 1, args.RetryDelay);
                    Telemetry.Retried(request);
                    if (Activity.Current is { } span && ReferenceEquals(span.Source, Telemetry.Source))
                    {
                        // The request's span (run request or poll) tells when and why it was sent again.
                        span.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
                        {
                            [args.Outcome.Result is not null ? Telemetry.StatusCode : Telemetry.ErrorType] = args.Outcome.Result is { } answer ? answer.Status : args.Outcome.Exception?.GetType().FullName,
                            ["aks.runcommand.retry.delay"] = args.RetryDelay.TotalSeconds,
                            ["aks.runcommand.retry.attempt"] = args.AttemptNumber + 1,
                        }));
                    }

                    if (args.Context.Properties.TryGetValue(BackingOff, out var backingOff))
                    {
                        backingOff(true);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private static bool IsTransientPollOutcome(Outcome<ArmResponse> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } r && (TransientStatuses.Contains(r.Status) || (r.Status == 200 && r.Body.Length == 0)),
        HttpRequestException or IOException or JsonException or TimeoutException => true,
        OperationCanceledException => true, // HttpClient.Timeout; a caller's cancellation is excluded by ShouldHandle
        _ => false,
    };
}
