namespace AksRunCommand.Polling;

// When the read budget is short, which due operation to poll first: the one most likely to have finished since its
// last poll, P(done by t | running at s) = 1 - S(t) / S(s) for a command that started t ago and was last seen
// running at s. With nothing learnt about the command, its length is taken as log-logistic with a median of 30 s (run
// commands last seconds to an hour, most under a minute): a heavy tail, so the score never saturates. An old command
// polled a moment ago scores near 0; the longer any command waits since its last poll, the closer to 1 it gets, so
// young ones win the budget without old ones starving.
internal static class PollPriority
{
    private const double MedianSeconds = 30;
    private const double Shape = 1.2;

    public static double Score(TimeSpan elapsed, TimeSpan elapsedAtLastPoll)
    {
        var t = Math.Max(elapsed.TotalSeconds, 0);
        var s = Math.Max(elapsedAtLastPoll.TotalSeconds, 0);
        return t <= s ? 0 : 1 - (Survival(t) / Survival(s));
    }

    // P(length > x) of the log-logistic: 1 / (1 + (x/m)^k).
    private static double Survival(double seconds) => 1 / (1 + Math.Pow(seconds / MedianSeconds, Shape));
}
