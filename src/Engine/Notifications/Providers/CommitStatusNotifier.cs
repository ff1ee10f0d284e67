using System.Globalization;
using System.Text.Json.Nodes;
using Tide.Engine.Notifications;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// github, gitlab and gitea: set a commit status on the commit of the event's revision, in the repository named by
/// the address (https, ssh or scp-like URL). The state is the severity (success, failure; gitea reports Progressing as
/// pending, the others skip it), the key the Provider's commit status, the description the reason in words
/// ("reconciliation succeeded"). A status equal to the one the commit already has for the key is not sent again.
/// </summary>
public sealed class CommitStatusNotifier : INotifier
{
    private const string ProgressingReason = "Progressing";
    private readonly NotificationHttp _http;
    private readonly ProviderConfig _config;
    private readonly string _host;
    private readonly string _repository;
    private readonly string _token;
    private readonly string _key;

    public CommitStatusNotifier(NotificationHttp http, ProviderConfig config)
    {
        _http = http;
        _config = config;
        (_host, _repository) = ParseGitAddress(config.Address);
        _token = !string.IsNullOrEmpty(config.Token) ? config.Token : config.Password ?? "";
        if (_token.Length == 0)
            throw new NotifierException($"{config.Type} token cannot be empty: the secretRef must hold a 'token'");
        if (string.IsNullOrEmpty(config.CommitStatus))
            throw new NotifierException("commit status cannot be empty");
        _key = config.CommitStatus;
        if (config.Type is "github" or "gitea" && _repository.Split('/').Length != 2)
            throw new NotifierException($"invalid repository id: '{_repository}'");
    }

    public async Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        if (e.Reason == ProgressingReason && _config.Type != "gitea")
            return;
        var revision = e.Revision ?? throw new NotifierException("missing revision metadata");
        var sha = CommitOf(revision);
        var description = Describe(e.Reason);
        var state = (_config.Type, e.Severity) switch
        {
            ("gitea", _) when e.Reason == ProgressingReason => "pending",
            (_, FluxEvent.SeverityInfo) => "success",
            ("gitlab", FluxEvent.SeverityError) => "failed",
            (_, FluxEvent.SeverityError) => "failure",
            _ => throw new NotifierException($"can't convert severity '{e.Severity}' to a {_config.Type} state"),
        };
        switch (_config.Type)
        {
            case "github":
                await GitHubAsync(sha, state, description, ct);
                break;
            case "gitlab":
                await GitLabAsync(sha, state, description, ct);
                break;
            default:
                await GiteaAsync(sha, state, description, ct);
                break;
        }
    }

    private async Task GitHubAsync(string sha, string state, string description, CancellationToken ct)
    {
        var api = GitHubApi(_host);
        void Headers(System.Net.Http.Headers.HttpRequestHeaders h) => AddGitHubHeaders(h, _token);
        var existing = await _http.SendAsync(_config, HttpMethod.Get,
            $"{api}repos/{_repository}/commits/{sha}/statuses?per_page=50", null, Headers, ct);
        if (FirstWithKey(existing, "context") is { } current &&
            current["state"]?.ToString() == state && current["description"]?.ToString() == description)
            return;
        await _http.PostJsonAsync(_config, $"{api}repos/{_repository}/statuses/{sha}",
            new JsonObject { ["state"] = state, ["description"] = description, ["context"] = _key }, Headers, ct);
    }

    private async Task GitLabAsync(string sha, string state, string description, CancellationToken ct)
    {
        var project = $"{_host}/api/v4/projects/{Uri.EscapeDataString(_repository)}";
        void Headers(System.Net.Http.Headers.HttpRequestHeaders h) => h.TryAddWithoutValidation("PRIVATE-TOKEN", _token);
        var existing = await _http.SendAsync(_config, HttpMethod.Get,
            $"{project}/repository/commits/{sha}/statuses?name={Uri.EscapeDataString(_key)}", null, Headers, ct);
        if (JsonNode.Parse(existing) is JsonArray statuses && statuses.OfType<JsonObject>().Any(s =>
                s["sha"]?.ToString() == sha && s["status"]?.ToString() == state &&
                s["description"]?.ToString() == description && s["name"]?.ToString() == _key))
            return;
        await _http.PostJsonAsync(_config, $"{project}/statuses/{sha}",
            new JsonObject { ["state"] = state, ["name"] = _key, ["description"] = description }, Headers, ct);
    }

    private async Task GiteaAsync(string sha, string state, string description, CancellationToken ct)
    {
        var api = $"{_host}/api/v1/repos/{_repository}/statuses/{sha}";
        void Headers(System.Net.Http.Headers.HttpRequestHeaders h) => h.TryAddWithoutValidation("Authorization", "token " + _token);
        var existing = await _http.SendAsync(_config, HttpMethod.Get, api + "?page=0&limit=50", null, Headers, ct);
        if (FirstWithKey(existing, "context") is { } current &&
            current["status"]?.ToString() == state && current["description"]?.ToString() == description)
            return;
        await _http.PostJsonAsync(_config, api, new JsonObject
        {
            ["state"] = state,
            ["target_url"] = "",
            ["description"] = description,
            ["context"] = _key,
        }, Headers, ct);
    }

    /// <summary>GitHub's REST API for a web host: api.github.com for github.com, else Enterprise's /api/v3/.</summary>
    public static string GitHubApi(string host) =>
        new Uri(host).Host == "github.com" ? "https://api.github.com/" : host + "/api/v3/";

    /// <summary>The headers go-github sends: the token as bearer and the v3 media type.</summary>
    public static void AddGitHubHeaders(System.Net.Http.Headers.HttpRequestHeaders headers, string token)
    {
        headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        headers.TryAddWithoutValidation("Accept", "application/vnd.github.v3+json");
    }

    /// <summary>The first status in the list (the newest) whose key field is this Provider's key.</summary>
    private JsonObject? FirstWithKey(string json, string keyField) =>
        (JsonNode.Parse(json) as JsonArray)?.OfType<JsonObject>().FirstOrDefault(s => s[keyField]?.ToString() == _key);

    /// <summary>The commit hash of a Flux revision: "main@sha1:&lt;hash&gt;", the legacy "main/&lt;hash&gt;", or a
    /// bare hash.</summary>
    public static string CommitOf(string revision)
    {
        var hash = revision[(revision.LastIndexOf('@') + 1)..];
        if (hash.StartsWith("sha1:", StringComparison.Ordinal) || hash.StartsWith("sha256:", StringComparison.Ordinal))
            hash = hash[(hash.IndexOf(':') + 1)..];
        else if (!revision.Contains('@') && hash.Contains('/'))
            hash = hash[(hash.LastIndexOf('/') + 1)..];
        if (hash.Length is not (40 or 64) || !hash.All(char.IsAsciiHexDigit))
            throw new NotifierException($"failed to extract commit hash from '{revision}' revision");
        return hash.ToLowerInvariant();
    }

    /// <summary>A Flux reason in lower-case words: "ReconciliationSucceeded" is "reconciliation succeeded".</summary>
    public static string Describe(string reason)
    {
        var runs = new List<List<char>>();
        var lastClass = 0;
        foreach (var c in reason)
        {
            var cls = char.IsLower(c) ? 1 : char.IsUpper(c) ? 2 : char.IsDigit(c) ? 3 : 4;
            if (cls == lastClass)
                runs[^1].Add(c);
            else
                runs.Add([c]);
            lastClass = cls;
        }
        // An upper-case run followed by a lower-case one gives its last letter to it: "PDFLoader" is "PDF Loader".
        for (var i = 0; i < runs.Count - 1; i++)
        {
            if (char.IsUpper(runs[i][0]) && char.IsLower(runs[i + 1][0]))
            {
                runs[i + 1].Insert(0, runs[i][^1]);
                runs[i].RemoveAt(runs[i].Count - 1);
            }
        }
        return string.Join(' ', runs.Where(r => r.Count > 0).Select(r => new string(r.ToArray()))).ToLower(CultureInfo.InvariantCulture);
    }

    /// <summary>The web host (scheme://host[:port]; ssh becomes https) and the repository path without .git.</summary>
    public static (string Host, string Repository) ParseGitAddress(string address)
    {
        var text = address.Trim();
        // scp-like "git@host:owner/repo.git"
        if (!text.Contains("://", StringComparison.Ordinal) && text.IndexOf(':') is > 0 and var colon)
        {
            var hostPart = text[..colon];
            text = $"ssh://{hostPart}/{text[(colon + 1)..].TrimStart('/')}";
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new NotifierException($"failed parsing URL \"{address}\"");
        var scheme = uri.Scheme == "ssh" ? "https" : uri.Scheme;
        // As Flux's parser, an ssh URL keeps its port when it names one.
        var host = uri.IsDefaultPort ? $"{scheme}://{uri.Host}" : $"{scheme}://{uri.Host}:{uri.Port}";
        var repository = uri.AbsolutePath.TrimStart('/');
        if (repository.EndsWith(".git", StringComparison.Ordinal))
            repository = repository[..^4];
        return (host, repository);
    }
}
