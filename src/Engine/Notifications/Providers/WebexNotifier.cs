using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications.Providers;

/// <summary>webex: a markdown message to the room named by spec.channel, with the bot token ('token') as bearer.</summary>
public sealed class WebexNotifier(NotificationHttp http, ProviderConfig config) : INotifier
{
    public Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var markdown = new StringBuilder();
        markdown.Append($"{(e.IsError ? "💣" : "✅")} **{e.ObjectName}**\n");
        markdown.Append($"{e.Message}\n");
        foreach (var (key, value) in e.Metadata)
            markdown.Append($">**{key}**: {value}\n");
        var payload = new JsonObject();
        if (!string.IsNullOrEmpty(config.Channel))
            payload["roomId"] = config.Channel;
        payload["markdown"] = markdown.ToString();
        return http.PostJsonAsync(config, config.Address, payload,
            headers => headers.TryAddWithoutValidation("Authorization", "Bearer " + config.Token), ct);
    }
}
