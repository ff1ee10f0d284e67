using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// Slack and the services that take Slack's payload (discord through its /slack endpoint, rocket): one attachment
/// with the object as author, the message as text, the metadata as fields, coloured by severity. A Slack bot token
/// ('token') goes in Authorization; chat.postMessage answers are checked for "ok".
/// </summary>
public sealed class SlackNotifier : INotifier
{
    private const string SlackApi = "https://slack.com/api/chat.postMessage";
    private readonly NotificationHttp _http;
    private readonly ProviderConfig _config;
    private readonly string _url;

    public SlackNotifier(NotificationHttp http, ProviderConfig config)
    {
        _http = http;
        _config = config;
        _url = config.Address;
        // Discord takes Slack's payload at <webhook>/slack.
        if (config.Type == "discord" && !_url.EndsWith("/slack", StringComparison.Ordinal))
            _url = _url.TrimEnd('/') + "/slack";
    }

    public async Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var body = await _http.PostJsonAsync(_config, _url, Payload(e), headers =>
        {
            if (_config.Type == "slack" && !string.IsNullOrEmpty(_config.Token))
                headers.Add("Authorization", "Bearer " + _config.Token);
        }, ct);
        if (_config.Type == "slack" && _url == SlackApi && JsonNode.Parse(body) is JsonObject answer &&
            answer["ok"]?.GetValue<bool>() != true)
            throw new NotifierException($"Slack responded with error: {answer["error"]}");
    }

    private JsonObject Payload(FluxEvent e)
    {
        var rocket = _config.Type == "rocket";
        var username = _config.Username ?? "";
        if (username.Length == 0 && !rocket)
            username = e.ReportingController;
        var attachment = new JsonObject
        {
            ["fallback"] = _config.Type == "slack" ? $"{e.ObjectName}: {e.Message.Split('\n')[0]}" : "",
            ["color"] = rocket ? (e.IsError ? "#FF0000" : "#0076D7") : (e.IsError ? "danger" : "good"),
            ["author_name"] = e.ObjectName,
            ["text"] = e.Message,
            ["mrkdwn_in"] = new JsonArray("text"),
            ["fields"] = new JsonArray(e.Metadata.Select(m => (JsonNode)new JsonObject
            {
                ["title"] = m.Key,
                ["value"] = m.Value,
                ["short"] = false,
            }).ToArray()),
        };
        return new JsonObject
        {
            // Discord's payload names no channel: the webhook decides.
            ["channel"] = _config.Type == "discord" ? "" : _config.Channel ?? "",
            ["username"] = username,
            ["icon_url"] = "",
            ["icon_emoji"] = "",
            ["attachments"] = new JsonArray(attachment),
        };
    }
}
