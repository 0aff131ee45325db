namespace AksRunCommand.Polling;

// When the read budget is short, which due operation to poll first: the one most likely to have finished since
// its last poll. With no knowledge of a command's length, take its length as log-uniform between 1 s and 1 h
// (run commands last seconds to an hour); then P(finished by t | running at s) = (ln t - ln s) / (ln H - ln s).
// A young command polled long ago (relative to its age) scores high; an old one polled a moment ago scores low.
internal static class PollPriority
{
    private const double ShortestSeconds = 1;
    private const double LongestSeconds = 3600;

    public static double Score(TimeSpan elapsed, TimeSpan elapsedAtLastPoll)
    {
        var t = Math.Max(elapsed.TotalSeconds, ShortestSeconds);
        var s = Math.Max(elapsedAtLastPoll.TotalSeconds, ShortestSeconds);
        if (t <= s)
        {
            return 0;
        }

        if (s >= LongestSeconds)
        {
            return 1;
        }

        return Math.Min(1, (Math.Log(t) - Math.Log(s)) / (Math.Log(LongestSeconds) - Math.Log(s)));
    }
}
