using System.Diagnostics;
using System.Text;
using Tide.Engine.Api;

namespace Tide.Engine.Sources.Git;

/// <summary>
/// Talks to a remote with the system `git` (and `ssh`) for what the bundled libgit2 cannot do: SSH (its native build
/// has no libssh2), bearer tokens, a custom CA, a per-repository HTTP proxy and fetching a commit by its id (protocol
/// v2). Each instance owns a private temp directory (0700) for the key (0600), known_hosts and CA files, deleted on
/// dispose; all settings go through the child's environment (GIT_CONFIG_COUNT, GIT_SSL_*, GIT_SSH_COMMAND), so no
/// global or repository configuration changes, nothing in Tide's own environment changes and no secret is in argv.
/// </summary>
internal sealed class GitCliTransport : IDisposable
{
    private readonly string _url;
    private readonly string _directory;
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _secrets;
    private readonly string _via;

    /// <summary>For commands on the local cache: no user or system configuration, untranslated messages.</summary>
    private static readonly Dictionary<string, string> LocalEnvironment = new(StringComparer.Ordinal)
    {
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["LC_ALL"] = "C",
    };

    /// <param name="proxy">Used for http(s) URLs; git does not send ssh:// or git:// through an HTTP proxy.</param>
    public GitCliTransport(string url, GitCredentials? credentials, GitProxy? proxy = null)
    {
        _url = url;
        _secrets = [.. credentials?.Secrets() ?? [], .. ProxySecrets(proxy)];
        _via = proxy is null ? "" : $" through proxy '{proxy.Address.GetLeftPart(UriPartial.Authority)}'";
        _directory = Directory.CreateTempSubdirectory("tide-git-auth-").FullName;
        try
        {
            Configure(credentials, proxy);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Configure(GitCredentials? credentials, GitProxy? proxy)
    {
        _environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        _environment["GIT_CONFIG_NOSYSTEM"] = "1";
        _environment["GIT_TERMINAL_PROMPT"] = "0";
        // Empty: git neither runs an askpass program nor prompts, so missing credentials fail at once.
        _environment["GIT_ASKPASS"] = "";
        _environment["LC_ALL"] = "C";
        var config = new List<(string Key, string Value)>();
        if (credentials?.BearerToken is { } token)
        {
            config.Add(("http.extraHeader", $"Authorization: Bearer {token}"));
        }
        else if (credentials is { Username: { } username, Identity: null })
        {
            // A credential helper scoped to the remote's origin answers git's 401 challenge, so the password goes
            // to this host only (a header would follow redirects); it reads the values from the environment.
            _environment["TIDE_GIT_USERNAME"] = username;
            _environment["TIDE_GIT_PASSWORD"] = credentials.Password ?? "";
            config.Add(($"credential.{Origin(_url)}.helper",
                "!f() { test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' \"$TIDE_GIT_USERNAME\" \"$TIDE_GIT_PASSWORD\"; }; f"));
        }
        if (proxy is not null)
        {
            // http.proxy wins over the http(s)_proxy variables Tide may run with; an empty no_proxy keeps loopback
            // and other hosts from bypassing it. The credentials ride in the URL, which is in the environment only.
            config.Add(("http.proxy", proxy.ConfigUrl()));
            if (proxy.Username is not null)
                config.Add(("http.proxyAuthMethod", "basic"));
            _environment["NO_PROXY"] = "";
            _environment["no_proxy"] = "";
        }
        // The environment variable, as Debian's git ignores http.sslCAInfo given through GIT_CONFIG_COUNT.
        if (credentials?.CaCertificate is { } ca)
            _environment["GIT_SSL_CAINFO"] = WriteFile("ca.crt", ca);
        if (credentials is { ClientCertificate: { } certificate, ClientKey: { } key })
        {
            _environment["GIT_SSL_CERT"] = WriteFile("tls.crt", certificate);
            _environment["GIT_SSL_KEY"] = WriteFile("tls.key", key);
        }
        for (var i = 0; i < config.Count; i++)
        {
            _environment[$"GIT_CONFIG_KEY_{i}"] = config[i].Key;
            _environment[$"GIT_CONFIG_VALUE_{i}"] = config[i].Value;
        }
        _environment["GIT_CONFIG_COUNT"] = config.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["GIT_SSH_COMMAND"] = SshCommand(credentials);
    }

    /// <summary>ssh with only the given key and strict host checking against only the given known_hosts (none given:
    /// no host is trusted); a key password is answered by an askpass script reading it from the environment.</summary>
    private string SshCommand(GitCredentials? credentials)
    {
        var knownHosts = WriteFile("known_hosts", credentials?.KnownHosts ?? []);
        var options = new List<string>
        {
            "-F", "/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", $"UserKnownHostsFile={Quote(knownHosts)}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes",
            "-o", "PasswordAuthentication=no",
            "-o", "KbdInteractiveAuthentication=no",
            "-o", "ConnectTimeout=30",
        };
        if (credentials?.Identity is { } identity)
        {
            // OpenSSH refuses a private key without a final newline.
            var key = identity.Length > 0 && identity[^1] == '\n' ? identity : [.. identity, (byte)'\n'];
            options.AddRange(["-i", Quote(WriteFile("identity", key))]);
        }
        else
        {
            options.AddRange(["-o", "IdentityFile=/dev/null"]);
        }
        if (credentials is { Identity: not null, Password: { } password })
        {
            var askpass = WriteFile("askpass", Encoding.UTF8.GetBytes("#!/bin/sh\nprintf '%s\\n' \"$TIDE_SSH_KEY_PASSWORD\"\n"),
                UnixFileMode.UserRead | UnixFileMode.UserExecute);
            _environment["TIDE_SSH_KEY_PASSWORD"] = password;
            _environment["SSH_ASKPASS"] = askpass;
            _environment["SSH_ASKPASS_REQUIRE"] = "force";
        }
        else
        {
            options.AddRange(["-o", "BatchMode=yes"]);
        }
        return "ssh " + string.Join(' ', options);
    }

    /// <summary>The remote's reference names (ls-remote); "^{}" peel entries count as their tag.</summary>
    public HashSet<string> ListRemote(CancellationToken cancellationToken)
    {
        var output = Run(["ls-remote", "--", _url], "list remote for", cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', 2))
            .Where(parts => parts.Length == 2)
            .Select(parts => parts[1].EndsWith("^{}", StringComparison.Ordinal) ? parts[1][..^3] : parts[1])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Fetches <paramref name="refspecs"/> from the URL into the bare repository at <paramref name="gitDirectory"/>.</summary>
    public void Fetch(string gitDirectory, IReadOnlyList<string> refspecs, CancellationToken cancellationToken) =>
        Run(["--git-dir", gitDirectory, "fetch", "--no-tags", "--no-write-fetch-head", "--quiet", "--", _url, .. refspecs],
            $"fetch '{string.Join(", ", refspecs.Select(r => r.Split(':')[0].TrimStart('+')))}' from", cancellationToken);

    private string Run(IReadOnlyList<string> arguments, string action, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = Execute(arguments, _environment, _directory, cancellationToken);
        if (exitCode != 0)
            throw new SourceFetchException(ConditionReasons.GitOperationFailed,
                $"failed to checkout and determine revision: unable to {action} '{_url}'{_via}: {Describe(error)}");
        return Encoding.UTF8.GetString(output);
    }

    /// <summary>The entries of a git-config file stored as a blob (e.g. "&lt;commit&gt;:.gitmodules"), keys lower-cased
    /// by git except a subsection's name; none when the blob does not exist.</summary>
    public static IReadOnlyList<(string Key, string Value)> ReadConfigBlob(string gitDirectory, string blob, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = Execute(
            ["--git-dir", gitDirectory, "config", "--blob", blob, "--null", "--list"], LocalEnvironment, gitDirectory, cancellationToken);
        if (exitCode != 0)
        {
            if (error.Contains("unable to resolve config blob", StringComparison.Ordinal))
                return [];
            throw new SourceFetchException(ConditionReasons.GitOperationFailed, $"unable to read '{blob}': {error.Trim()}");
        }
        // With --null each entry is "key\nvalue\0".
        return Encoding.UTF8.GetString(output).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('\n', 2))
            .Select(parts => (parts[0], parts.Length > 1 ? parts[1] : ""))
            .ToList();
    }

    /// <summary>The raw content of an object of the bare repository (what signatures are computed over).</summary>
    public static byte[] ReadObject(string gitDirectory, string type, string sha, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = Execute(["--git-dir", gitDirectory, "cat-file", type, sha], LocalEnvironment, gitDirectory, cancellationToken);
        if (exitCode != 0)
            throw new SourceFetchException(ConditionReasons.GitOperationFailed, $"unable to read {type} '{sha}': {error.Trim()}");
        return output;
    }

    private static (int ExitCode, byte[] Output, string Error) Execute(
        IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start)
            ?? throw new SourceFetchException(ConditionReasons.GitOperationFailed, "failed to start git");
        process.StandardInput.Close();
        using var kill = cancellationToken.Register(() =>
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { /* already exited */ }
        });
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        process.WaitForExit();
        copy.GetAwaiter().GetResult();
        cancellationToken.ThrowIfCancellationRequested();
        return (process.ExitCode, output.ToArray(), error.GetAwaiter().GetResult());
    }

    /// <summary>git's error, scrubbed of every secret, and named an authentication failure when it is one.</summary>
    private string Describe(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var text = string.Join("; ", lines);
        foreach (var secret in _secrets)
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        string[] authentication =
        [
            "Authentication failed", "could not read Username", "could not read Password", "error: 401", "error: 403",
            "Permission denied (publickey", "incorrect passphrase", "Load key",
            // A proxy refusing the credentials (tinyproxy answers 401, others 407).
            "error: 407", "code 407", "tunnel failed, response 401", "tunnel failed, response 407",
        ];
        return authentication.Any(a => text.Contains(a, StringComparison.OrdinalIgnoreCase)) ? $"authentication failed: {text}" : text;
    }

    private string WriteFile(string name, byte[] content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(_directory, name);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = mode;
        using var file = new FileStream(path, options);
        file.Write(content);
        return path;
    }

    /// <summary>The proxy password, raw and as it appears percent-encoded in the proxy URL.</summary>
    private static IEnumerable<string> ProxySecrets(GitProxy? proxy) =>
        proxy?.Password is { Length: > 0 } password ? [password, Uri.EscapeDataString(password)] : [];

    private static string Origin(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : url;

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* best effort: a temp directory */ }
    }
}
