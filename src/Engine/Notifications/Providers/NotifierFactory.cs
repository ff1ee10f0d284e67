namespace Tide.Engine.Notifications.Providers;

/// <summary>The notifier for a Provider's type.</summary>
public static class NotifierFactory
{
    /// <summary>The Provider types that set commit statuses (Flux's list; Tide sends to github, gitlab and gitea).</summary>
    public static IReadOnlyList<string> CommitStatusTypes { get; } = ["github", "gitlab", "gitea", "bitbucketserver", "bitbucket", "azuredevops"];

    /// <summary>The Provider types Tide sends to.</summary>
    public static IReadOnlyList<string> Supported { get; } =
    [
        "generic", "generic-hmac", "slack", "discord", "rocket", "msteams", "googlechat", "webex", "alertmanager",
        "grafana", "opsgenie", "github", "gitlab", "gitea", "githubdispatch",
    ];

    public static bool IsCommitStatusType(string type) => CommitStatusTypes.Contains(type);

    public static bool IsGenericType(string type) => type is "generic" or "generic-hmac";

    /// <exception cref="NotifierException">A type Tide does not send to, or settings the type cannot work with.</exception>
    public static INotifier Create(NotificationHttp http, ProviderConfig config)
    {
        if (string.IsNullOrEmpty(config.Address) && config.Type is not ("github" or "gitlab" or "gitea"))
            throw new NotifierException($"no address for provider type '{config.Type}': set spec.address or the secretRef's 'address'");
        return config.Type switch
        {
            "generic" or "generic-hmac" => new ForwardNotifier(http, config),
            "slack" or "discord" or "rocket" => new SlackNotifier(http, config),
            "msteams" => new TeamsNotifier(http, config),
            "googlechat" => new GoogleChatNotifier(http, config),
            "webex" => new WebexNotifier(http, config),
            "alertmanager" => new AlertmanagerNotifier(http, config),
            "grafana" => new GrafanaNotifier(http, config),
            "opsgenie" => new OpsgenieNotifier(http, config),
            "github" or "gitlab" or "gitea" => new CommitStatusNotifier(http, config),
            "githubdispatch" => new GitHubDispatchNotifier(http, config),
            _ => throw new NotifierException(
                $"provider type '{config.Type}' is not supported by Tide (supported: {string.Join(", ", Supported)})"),
        };
    }
}
