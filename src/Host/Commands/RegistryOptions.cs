using System.CommandLine;
using Tide.Engine.Sources.Oci;

namespace Tide.Host.Commands;

/// <summary>The registry options `tide push artifact` and `tide pull artifact` share: credentials (--creds, else
/// the Docker config file) and plain HTTP.</summary>
internal sealed class RegistryOptions
{
    private readonly Option<string?> _creds = new("--creds")
    {
        Description = "Registry credentials as USER:PASSWORD (default: the entry for the registry in $DOCKER_CONFIG/config.json or ~/.docker/config.json).",
    };

    private readonly Option<bool> _insecure = new("--insecure-registry") { Description = "Talk to the registry over plain HTTP." };

    public void AddTo(Command command)
    {
        command.Options.Add(_creds);
        command.Options.Add(_insecure);
    }

    public OciClient Client(ParseResult parse, HttpClient http, OciReference reference) =>
        new(http, reference.Registry, parse.GetValue(_insecure), Credentials(parse.GetValue(_creds), reference.Registry));

    private static OciCredentials? Credentials(string? creds, string registry)
    {
        if (creds is not null)
        {
            var colon = creds.IndexOf(':');
            return colon < 0 ? new OciCredentials(creds, "") : new OciCredentials(creds[..colon], creds[(colon + 1)..]);
        }
        var directory = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var file = Path.Combine(directory, "config.json");
        return File.Exists(file) ? OciCredentials.FromDockerConfigJson(File.ReadAllText(file), registry) : null;
    }
}
