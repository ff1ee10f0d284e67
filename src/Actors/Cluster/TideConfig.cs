using Akka.Configuration;

namespace Tide.Actors.Cluster;

/// <summary>Loads the HOCON configuration: a user's file (optional) over Tide's documented defaults.</summary>
public static class TideConfig
{
    public static Config Defaults { get; } = LoadDefaults();

    public static Config Load(string? path, string? overrides = null)
    {
        var config = Defaults;
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
