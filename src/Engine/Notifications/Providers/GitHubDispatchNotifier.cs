using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// githubdispatch: a repository_dispatch event in the repository named by the address, as notification-controller
/// sends it: event_type "Kind/name.namespace" and the event itself as client_payload, with the token ('token') as
/// bearer. Commit status updates never reach it (the dispatcher keeps them for the Git providers).
/// </summary>
public sealed class GitHubDispatchNotifier : INotifier
{
    private readonly NotificationHttp _http;
    private readonly ProviderConfig _config;
    private readonly string _url;
    private readonly string _token;

    public GitHubDispatchNotifier(NotificationHttp http, ProviderConfig config)
    {
        _http = http;
        _config = config;
        _token = config.Token ?? "";
        if (_token.Length == 0)
            throw new NotifierException("github token cannot be empty: the secretRef must hold a 'token'");
        var (host, repository) = CommitStatusNotifier.ParseGitAddress(config.Address);
        if (repository.Split('/').Length != 2)
            throw new NotifierException($"invalid repository id \"{repository}\"");
        _url = $"{CommitStatusNotifier.GitHubApi(host)}repos/{repository}/dispatches";
    }

    public Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var o = e.InvolvedObject;
        var payload = new JsonObject
        {
            ["event_type"] = $"{o.Kind}/{o.Name}.{o.Namespace}",
            ["client_payload"] = e.ToJsonObject(),
        };
        return _http.PostJsonAsync(_config, _url, payload, h => CommitStatusNotifier.AddGitHubHeaders(h, _token), ct);
    }
}
