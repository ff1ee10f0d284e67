using Microsoft.Extensions.Logging;

namespace Tide.Host.Logging;

/// <summary>What `--log-level` and `--log-encoding` ask for, as Flux's controllers take them.</summary>
public sealed record LogSettings(LogLevel MinimumLevel, bool Json)
{
    public static IReadOnlyList<string> Levels { get; } = ["debug", "info", "error"];

    public static IReadOnlyList<string> Encodings { get; } = ["json", "console"];

    /// <summary>The settings, or why the flags are wrong (one line for the user).</summary>
    public static (LogSettings? Settings, string? Error) Parse(string level, string encoding)
    {
        LogLevel? minimum = level.ToLowerInvariant() switch
        {
            "debug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "error" => LogLevel.Error,
            _ => null,
        };
        if (minimum is null)
            return (null, $"invalid --log-level '{level}': use one of {string.Join(", ", Levels)}");
        return encoding.ToLowerInvariant() switch
        {
            "json" => (new LogSettings(minimum.Value, true), null),
            "console" => (new LogSettings(minimum.Value, false), null),
            _ => (null, $"invalid --log-encoding '{encoding}': use one of {string.Join(", ", Encodings)}"),
        };
    }

    /// <summary>Akka's log level for the same threshold.</summary>
    public string AkkaLevel => MinimumLevel switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        _ => "ERROR",
    };
}
