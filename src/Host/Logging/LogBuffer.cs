using Microsoft.Extensions.Logging;

namespace Tide.Host.Logging;

/// <summary>
/// A node's recent log records (JSON lines, as --log-encoding json writes them, at info and above), numbered, so that
/// `tide logs` can read them from the node (GET /logs on its metrics endpoint) whatever the node writes to stdout.
/// Keeps the newest <see cref="Capacity"/>.
/// </summary>
public sealed class LogBuffer
{
    public const int Capacity = 5000;
    private readonly LinkedList<(long Seq, string Line)> _lines = new();
    private readonly Lock _lock = new();
    private long _seq;

    public LogBuffer()
    {
        Provider = new LineLoggerProvider(new LogSettings(LogLevel.Information, Json: true), new JsonLinesWriter(Add));
    }

    /// <summary>The logger provider that fills the buffer (add it to the node's logger factory).</summary>
    public LineLoggerProvider Provider { get; }

    /// <summary>The records numbered after <paramref name="after"/>, and the number of the last one (0: none yet).</summary>
    public (IReadOnlyList<string> Lines, long Last) After(long after)
    {
        lock (_lock)
            return (_lines.Where(l => l.Seq > after).Select(l => l.Line).ToList(), _seq);
    }

    private void Add(string line)
    {
        lock (_lock)
        {
            _lines.AddLast((++_seq, line));
            if (_lines.Count > Capacity)
                _lines.RemoveFirst();
        }
    }
}
