using OpenTelemetry.Metrics;

namespace AksRunCommand.Tests.Diagnostics;

// Reads the values of an exported metric, optionally of the points with one attribute.
internal static class MetricValues
{
    public static long Sum(this MetricSnapshot metric, (string Key, object Value)? tag = null)
    {
        long sum = 0;
        foreach (var point in Matching(metric, tag))
        {
            sum += point.GetSumLong();
        }

        return sum;
    }

    /// <summary>The last values of a gauge at the points with one attribute.</summary>
    public static IReadOnlyList<double> Gauge(this MetricSnapshot metric, (string Key, object Value) tag) =>
        [.. Matching(metric, tag).Select(p => p.GetGaugeLastValueDouble())];

    public static (long Count, double Sum) Histogram(this MetricSnapshot metric, (string Key, object Value) tag)
    {
        var point = Assert.Single(Matching(metric, tag));
        return (point.GetHistogramCount(), point.GetHistogramSum());
    }

    public static IEnumerable<string> Points(this MetricSnapshot metric) => metric.MetricPoints.Select(point =>
    {
        var tags = string.Join(",", Tags(point).Select(t => $"{t.Key}={t.Value}"));
        var value = metric.MetricType switch
        {
            MetricType.Histogram => $"count={point.GetHistogramCount()} sum={point.GetHistogramSum()}",
            MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
            MetricType.DoubleGauge => point.GetGaugeLastValueDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
            MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => point.GetSumLong().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return $"{{{tags}}} {value}";
    });

    private static List<MetricPoint> Matching(MetricSnapshot metric, (string Key, object Value)? tag) =>
        metric.MetricPoints.Where(p => tag is not { } wanted || Tags(p).Any(t => t.Key == wanted.Key && Equals(t.Value, wanted.Value))).ToList();

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }
}
