using System.Text;

namespace Tide.Host.Logging;

/// <summary>
/// Stands in for Console.Out while a node logs JSON: a line a library prints on its own (Akka's shutdown messages
/// after its loggers stopped, ...) becomes a log record, so that every line on stdout stays one JSON object.
/// </summary>
public sealed class JsonLinesWriter(Action<string> record) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
                Flush(_line);
            else if (value != '\r')
                _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
            Write(c);
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    private void Flush(StringBuilder line)
    {
        var text = line.ToString();
        line.Clear();
        if (text.Length > 0)
            record(text);
    }
}
