using System.Text.Json;
using AksRunCommand.Diagnostics;
using AksRunCommand.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AksRunCommand.Polling;

// Polly retry pipelines: polls retry every transient fault; the start retries only a 429, the one answer
// that proves the service did not accept the command.
internal static class ArmRetryPipelines
{
    private static readonly int[] TransientStatuses = [408, 429, 500, 502, 503, 504];

    public static ResiliencePipeline<ArmResponse> ForPolls(ArmRetryOptions options, TimeProvider timeProvider, ILogger logger) =>
        Build(options, timeProvider, logger, "Poll", IsTransientPollOutcome);

    public static ResiliencePipeline<ArmResponse> ForStart(ArmRetryOptions options, TimeProvider timeProvider, ILogger logger) =>
        Build(options, timeProvider, logger, "Run request", static outcome => outcome.Result?.Status == 429);

    private static ResiliencePipeline<ArmResponse> Build(ArmRetryOptions options, TimeProvider timeProvider, ILogger logger, string action, Func<Outcome<ArmResponse>, bool> isTransient)
    {
        if (options.MaxRetries == 0)
        {
            return ResiliencePipeline<ArmResponse>.Empty;
        }

        return new ResiliencePipelineBuilder<ArmResponse> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<ArmResponse>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested && isTransient(args.Outcome)),
                DelayGenerator = args =>
                {
                    var retryAfter = args.Outcome.Result is { } response ? RetryAfter.Read(response, timeProvider) : null;
                    return ValueTask.FromResult<TimeSpan?>(RetryAfter.AsFloor(options.Backoff(args.AttemptNumber), retryAfter));
                },
                OnRetry = args =>
                {
                    var outcome = args.Outcome.Result is { } r ? $"HTTP {r.Status}" : args.Outcome.Exception?.GetType().Name ?? "nothing";
                    RunCommandLog.Retrying(logger, action, outcome, args.AttemptNumber + 1, args.RetryDelay);
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
