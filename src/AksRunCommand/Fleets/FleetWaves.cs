namespace AksRunCommand.Fleets;

/// <summary>
/// How a rollout divides the clusters it will start into waves: the canary first (the first <c>Canary</c> clusters,
/// numbered 0), then waves of <c>WaveSize</c>, or up to each cumulative percentage of <c>Waves</c> (numbered from 1).
/// Every cluster is in exactly one wave, in the order given; no wave is empty.
/// </summary>
internal static class FleetWaves
{
    public static IReadOnlyList<(int Number, bool IsCanary, IReadOnlyList<T> Clusters)> Divide<T>(IReadOnlyList<T> clusters, int canary, int? waveSize, IReadOnlyList<double>? percentages)
    {
        var waves = new List<(int, bool, IReadOnlyList<T>)>();
        var first = Math.Min(canary, clusters.Count);
        if (first > 0)
        {
            waves.Add((0, true, clusters.Take(first).ToList()));
        }

        var rest = clusters.Skip(first).ToList();
        var number = 1;
        foreach (var (from, to) in Bounds(rest.Count, waveSize, percentages))
        {
            waves.Add((number++, false, rest.GetRange(from, to - from)));
        }

        return waves;
    }

    // [from, to) of each wave over count clusters; none empty.
    private static IEnumerable<(int From, int To)> Bounds(int count, int? waveSize, IReadOnlyList<double>? percentages)
    {
        if (count == 0)
        {
            yield break;
        }

        if (waveSize is { } size)
        {
            for (var from = 0; from < count; from += size)
            {
                yield return (from, Math.Min(count, from + size));
            }

            yield break;
        }

        if (percentages is null)
        {
            yield return (0, count);
            yield break;
        }

        var done = 0;
        foreach (var percent in percentages)
        {
            // Up to the percentage, rounded up (10 % of 14 is 2), at least one more than the wave before, at most all.
            var upTo = (int)Math.Ceiling(Math.Round(percent * count / 100, 9));
            var to = Math.Min(count, Math.Max(upTo, done + 1));
            if (to > done)
            {
                yield return (done, to);
                done = to;
            }
        }
    }
}
