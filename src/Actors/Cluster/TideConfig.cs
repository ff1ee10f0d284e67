using Akka.Configuration;

namespace Tide.Actors.Cluster;

/// <summary>Loads the HOCON configuration: a user's file (optional) over Tide's documented defaults.</summary>
public static class TideConfig
{
    public static Config Defaults { get; } = LoadDefaults();

    /// <param name="path">The user's HOCON file, if any.</param>
    /// <param name="overrides">Settings that win over everything (tests).</param>
    /// <param name="commandDefaults">A command's own defaults: over Tide's, under the user's file.</param>
    public static Config Load(string? path, string? overrides = null, string? commandDefaults = null)
    {
        var config = Defaults;
        if (commandDefaults is not null)
            config = ConfigurationFactory.ParseString(commandDefaults).WithFallback(config);
        if (path is not null)
            config = ConfigurationFactory.ParseString(File.ReadAllText(path)).WithFallback(config);
        if (overrides is not null)
            config = ConfigurationFactory.ParseString(overrides).WithFallback(config);
        return config;
    }

    private static Config LoadDefaults()
    {
        using var stream = typeof(TideConfig).Assembly.GetManifestResourceStream("tide.conf")
                           ?? throw new InvalidOperationException("tide.conf resource missing");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
