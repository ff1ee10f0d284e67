using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Tide.Host.Logging;

/// <summary>
/// How a node (`tide run`, `tide up`) logs, from `--log-level` (debug, info, error) and `--log-encoding` (json,
/// console), as Flux's controllers take them: a logger factory for Tide's code and Akka's, and the node's progress
/// lines, which stay plain text with console and become log records with json (then every line on stdout is one JSON
/// object).
/// </summary>
public sealed class NodeLogging : IDisposable
{
    private const string Category = "tide";
    private readonly LineLoggerProvider _provider;
    private readonly TextWriter _output;

    private readonly TextWriter? _replacedConsole;

    private NodeLogging(LogSettings settings, TextWriter output)
    {
        Settings = settings;
        _output = output;
        _provider = new LineLoggerProvider(settings, output);
        if (settings.Json && ReferenceEquals(output, Console.Out))
        {
            // What others print on stdout becomes records too; the provider keeps writing to the real stdout.
            _replacedConsole = Console.Out;
            Console.SetOut(new JsonLinesWriter(line => _provider.Info("stdout", line)));
        }
        Factory = LoggerFactory.Create(builder =>
        {
            builder.ClearProviders();
            builder.SetMinimumLevel(settings.MinimumLevel);
            builder.AddProvider(_provider);
        });
    }

    public LogSettings Settings { get; }

    public ILoggerFactory Factory { get; }

    public static Option<string> LevelOption() => new("--log-level")
    {
        Description = "Log verbosity: debug, info or error.",
        DefaultValueFactory = _ => "info",
    };

    public static Option<string> EncodingOption() => new("--log-encoding")
    {
        Description = "Log format: json (one JSON object per line) or console.",
        DefaultValueFactory = _ => "console",
    };

    /// <summary>The logging the flags ask for, or null after one line on stderr saying what is wrong with them.</summary>
    public static NodeLogging? Create(string level, string encoding, TextWriter output)
    {
        var (settings, error) = LogSettings.Parse(level, encoding);
        if (settings is null)
        {
            Console.Error.WriteLine($"tide: {error}");
            return null;
        }
        return new NodeLogging(settings, output);
    }

    /// <summary>Akka's settings for these flags (they win over a configuration file): its own INFO chatter only
    /// shows at debug; nothing of it goes to stdout but through the factory.</summary>
    public string AkkaConfig =>
        $"akka.loglevel = {(Settings.MinimumLevel == LogLevel.Information ? "WARNING" : Settings.AkkaLevel)}\nakka.stdout-loglevel = OFF\n";

    /// <summary>One progress line for the user.</summary>
    public void Say(string line)
    {
        if (Settings.Json)
        {
            _provider.Info(Category, line);
            return;
        }
        lock (_output)
            _output.WriteLine(line);
    }

    public void Dispose()
    {
        Factory.Dispose();
        if (_replacedConsole is not null)
            Console.SetOut(_replacedConsole);
    }
}
