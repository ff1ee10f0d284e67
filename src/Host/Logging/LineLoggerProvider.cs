using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Tide.Host.Logging;

/// <summary>
/// Writes log records one line each, as Flux's controllers (zap) do: with json, one JSON object per line whose keys
/// are level, ts, logger, msg, then the record's fields and its scopes' (controller, controllerKind, name, namespace,
/// reconcileID, ...), and error for an exception; with console, "ts LEVEL logger msg {fields}" separated by tabs.
/// Field names start in lower case, as Flux writes them.
/// </summary>
public sealed partial class LineLoggerProvider(LogSettings settings, TextWriter output) : ILoggerProvider, ISupportExternalScope
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    /// <summary>Fields of Akka's records that repeat what the line has (positional arguments are dropped too).</summary>
    private static readonly HashSet<string> AkkaNoise = new(StringComparer.Ordinal) { "timestamp", "thread" };
    private readonly ConcurrentDictionary<string, Logger> _loggers = new(StringComparer.Ordinal);
    private readonly Lock _write = new();
    private readonly LogLevel _minimum = settings.MinimumLevel;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new Logger(this, name));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Writes one plain message at info level (the node's progress lines).</summary>
    public void Info(string category, string message) => Write(category, LogLevel.Information, message, [], null);

    public void Dispose() => output.Flush();

    private void Write(string category, LogLevel level, string message, IEnumerable<KeyValuePair<string, object?>> state,
        Exception? error)
    {
        var fields = new List<KeyValuePair<string, object?>>();
        foreach (var field in state)
            if (field.Key != "{OriginalFormat}" && !AkkaNoise.Contains(field.Key) && !field.Key.All(char.IsAsciiDigit))
                fields.Add(field);
        // Akka's records carry their own header ("[WARNING][time][Thread n][path] "): the fields say it already.
        message = AkkaHeader().Replace(message, "", 1);
        _scopes.ForEachScope((scope, list) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                list.AddRange(values);
        }, fields);
        var ts = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string line;
        if (settings.Json)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, WriterOptions))
            {
                json.WriteStartObject();
                json.WriteString("level", Name(level));
                json.WriteString("ts", ts);
                json.WriteString("logger", category);
                json.WriteString("msg", message);
                WriteFields(json, fields);
                if (error is not null)
                    json.WriteString("error", error.ToString());
                json.WriteEndObject();
            }
            line = Encoding.UTF8.GetString(buffer.ToArray());
        }
        else
        {
            var text = new StringBuilder().Append(ts).Append('\t').Append(Name(level).ToUpperInvariant()).Append('\t')
                .Append(category).Append('\t').Append(message);
            if (fields.Count > 0)
            {
                using var buffer = new MemoryStream();
                using (var json = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    json.WriteStartObject();
                    WriteFields(json, fields);
                    json.WriteEndObject();
                }
                text.Append('\t').Append(Encoding.UTF8.GetString(buffer.ToArray()));
            }
            if (error is not null)
                text.Append('\n').Append(error);
            line = text.ToString();
        }
        lock (_write)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static void WriteFields(Utf8JsonWriter json, List<KeyValuePair<string, object?>> fields)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { "level", "ts", "logger", "msg", "error" };
        foreach (var (key, value) in fields)
        {
            var name = key.Length > 0 ? char.ToLowerInvariant(key[0]) + key[1..] : key;
            if (!seen.Add(name))
                continue;
            json.WritePropertyName(name);
            switch (value)
            {
                case null:
                    json.WriteNullValue();
                    break;
                case bool b:
                    json.WriteBooleanValue(b);
                    break;
                case int or long or double or float or decimal:
                    json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                    break;
                case IReadOnlyDictionary<string, string> map:
                    json.WriteStartObject();
                    foreach (var (k, v) in map)
                        json.WriteString(k, v);
                    json.WriteEndObject();
                    break;
                default:
                    json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    [GeneratedRegex(@"^\[[A-Z]+\]\[[^\]]*\]\[Thread \d+\]\[[^\]]*\] ")]
    private static partial Regex AkkaHeader();

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        _ => "error",
    };

    private sealed class Logger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            provider.Write(category, logLevel, formatter(state, exception),
                state as IEnumerable<KeyValuePair<string, object?>> ?? [], exception);
        }
    }
}
