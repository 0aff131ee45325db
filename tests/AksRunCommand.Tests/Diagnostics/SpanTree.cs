using System.Diagnostics;

namespace AksRunCommand.Tests.Diagnostics;

// A trace as an indented tree (name, source, attributes, events), for the test output and the issue's note.
internal static class SpanTree
{
    public static string Render(IReadOnlyCollection<Activity> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var writer = new StringWriter();
        foreach (var root in spans.Where(s => !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartTimeUtc))
        {
            Write(writer, root, spans, 0);
        }

        return writer.ToString();
    }

    private static void Write(StringWriter writer, Activity span, IReadOnlyCollection<Activity> spans, int depth)
    {
        var indent = new string(' ', depth * 2);
        var status = span.Status == ActivityStatusCode.Unset ? string.Empty : $" status={span.Status}";
        writer.WriteLine($"{indent}{span.DisplayName} [{span.Source.Name}] span={span.SpanId} parent={span.ParentSpanId}{status}");
        foreach (var tag in span.TagObjects)
        {
            writer.WriteLine($"{indent}    {tag.Key} = {tag.Value}");
        }

        foreach (var e in span.Events)
        {
            writer.WriteLine($"{indent}    event {e.Name}: {string.Join(", ", e.Tags.Select(t => $"{t.Key}={t.Value}"))}");
        }

        foreach (var child in spans.Where(s => s.ParentSpanId == span.SpanId).OrderBy(s => s.StartTimeUtc))
        {
            Write(writer, child, spans, depth + 1);
        }
    }
}
