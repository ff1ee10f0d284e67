namespace Tide.Engine.Helm.Template;

/// <summary>
/// A parse or execution failure with Go's message text. Execution failures carry their frame (location, template,
/// node) and, for a failure inside a nested include, the inner failure; Helm prints that chain as a trace.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message) : base(message)
    {
    }

    private TemplateException(string message, string location, string templateName, string context, string detail,
        TemplateException? inner, string? failMessage) : base(message)
    {
        ExecLocation = location;
        ExecTemplate = templateName;
        ExecContext = context;
        Detail = detail;
        Inner = inner;
        FailMessage = failMessage;
    }

    /// <summary>"name:line:col" of the node that failed (execution failures only).</summary>
    public string? ExecLocation { get; }

    public string? ExecTemplate { get; }

    /// <summary>The failing node as template source, Go's "at &lt;...&gt;".</summary>
    public string? ExecContext { get; }

    /// <summary>This frame's own message, e.g. "error calling include:" or "nil pointer evaluating ...".</summary>
    public string? Detail { get; }

    public TemplateException? Inner { get; }

    /// <summary>Set when the root cause is a chart's own `fail`/`required` message.</summary>
    public string? FailMessage { get; }

    internal static TemplateException Exec(string location, string templateName, string context, string detail,
        TemplateException? inner = null, string? failMessage = null)
    {
        var message = $"template: {location}: executing \"{templateName}\" at <{context}>: {detail}"
                      + (inner is null ? "" : " " + inner.Message);
        return new TemplateException(message, location, templateName, context, detail, inner,
            failMessage ?? inner?.FailMessage);
    }
}

/// <summary>Go's parse.Tree.ErrorContext: "name:line:col" with a 0-based column.</summary>
internal static class Location
{
    public static string Describe(string name, string source, int pos, bool lineOnly = false)
    {
        pos = Math.Min(pos, source.Length);
        var text = source.AsSpan(0, pos);
        var line = 1 + text.Count('\n');
        if (lineOnly)
            return $"template: {name}:{line}";
        var lastNewline = text.LastIndexOf('\n');
        var col = lastNewline < 0 ? pos : pos - (lastNewline + 1);
        return $"{name}:{line}:{col}";
    }
}
