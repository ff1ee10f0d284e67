using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Host.Cli.Bootstrap;

/// <summary>
/// The `flux-system` Secret the GitRepository authenticates with, in Flux's keys: `username`/`password` for HTTP(S);
/// `identity`, `identity.pub` and `known_hosts` for SSH, the key pair from --private-key-file or generated here
/// (ECDSA P-384, as flux generates), the host keys scanned from the server.
/// </summary>
public static class SourceSecret
{
    public static JsonObject Basic(string ns, string name, string username, string password) =>
        Secret(ns, name, new Dictionary<string, string> { ["username"] = username, ["password"] = password });

    public static JsonObject Ssh(string ns, string name, string identity, string publicKey, string knownHosts) =>
        Secret(ns, name, new Dictionary<string, string>
        {
            ["identity"] = identity,
            ["identity.pub"] = publicKey,
            ["known_hosts"] = knownHosts,
        });

    private static JsonObject Secret(string ns, string name, Dictionary<string, string> data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["type"] = "Opaque",
        ["data"] = new JsonObject(data.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Convert.ToBase64String(Encoding.UTF8.GetBytes(kv.Value))))),
    };

    /// <summary>The public key of a private key file, or a new key pair; (private, public).</summary>
    public static async Task<(string Identity, string PublicKey)> KeyPairAsync(string? privateKeyFile, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("tide-keys-");
        try
        {
            if (privateKeyFile is not null)
            {
                if (!File.Exists(privateKeyFile))
                    throw new CliException($"--private-key-file '{privateKeyFile}' not found");
                var publicKey = await RunAsync("ssh-keygen", ["-y", "-f", Path.GetFullPath(privateKeyFile)], ct);
                return (await File.ReadAllTextAsync(privateKeyFile, ct), publicKey.Trim());
            }
            var path = Path.Combine(directory.FullName, "identity");
            await RunAsync("ssh-keygen", ["-q", "-t", "ecdsa", "-b", "384", "-N", "", "-C", "tide", "-f", path], ct);
            return (await File.ReadAllTextAsync(path, ct), (await File.ReadAllTextAsync(path + ".pub", ct)).Trim());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The server's host keys as known_hosts lines (ssh-keyscan), for strict host checking in the cluster.</summary>
    public static async Task<string> KnownHostsAsync(Uri url, CancellationToken ct)
    {
        var port = url.Port > 0 ? url.Port : 22;
        var scanned = await RunAsync("ssh-keyscan", ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), url.Host], ct);
        if (scanned.Trim().Length == 0)
            throw new CliException($"ssh-keyscan found no host key at {url.Host}:{port}");
        return scanned;
    }

    private static async Task<string> RunAsync(string program, IEnumerable<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new CliException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0 ? await stdout
            : throw new CliException($"{program} failed: {(await stderr).Trim().Split('\n').LastOrDefault()}");
    }
}
