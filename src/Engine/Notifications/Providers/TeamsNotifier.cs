using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// msteams: an Adaptive Card (a Workflows webhook), or the legacy MessageCard for Office 365 connector hooks
/// (hosts ending in .webhook.office.com), as notification-controller sends them.
/// </summary>
public sealed class TeamsNotifier(NotificationHttp http, ProviderConfig config) : INotifier
{
    public Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var legacy = Uri.TryCreate(config.Address, UriKind.Absolute, out var uri) &&
            uri.Host.EndsWith(".webhook.office.com", StringComparison.OrdinalIgnoreCase);
        return http.PostJsonAsync(config, config.Address, legacy ? MessageCard(e) : AdaptiveCard(e), null, ct);
    }

    private static JsonObject MessageCard(FluxEvent e) => new()
    {
        ["@type"] = "MessageCard",
        ["@context"] = "http://schema.org/extensions",
        ["themeColor"] = e.IsError ? "FF0000" : "0076D7",
        ["summary"] = e.ObjectName,
        ["sections"] = new JsonArray(new JsonObject
        {
            ["activityTitle"] = e.Message,
            ["activitySubtitle"] = e.ObjectName,
            ["facts"] = new JsonArray(e.Metadata.Select(m => (JsonNode)new JsonObject { ["name"] = m.Key, ["value"] = m.Value }).ToArray()),
        }),
    };

    private static JsonObject AdaptiveCard(FluxEvent e)
    {
        var message = new JsonObject { ["type"] = "TextBlock", ["text"] = e.Message };
        if (e.IsError)
            message["color"] = "attention";
        message["wrap"] = true;
        // The summary comes first, the other facts by name.
        var facts = e.Metadata.Where(m => m.Key == "summary")
            .Concat(e.Metadata.Where(m => m.Key != "summary").OrderBy(m => m.Key, StringComparer.Ordinal))
            .Select(m => (JsonNode)new JsonObject { ["title"] = m.Key, ["value"] = m.Value })
            .ToArray();
        var factSet = new JsonObject { ["type"] = "FactSet" };
        if (facts.Length > 0)
            factSet["facts"] = new JsonArray(facts);
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["content"] = new JsonObject
                {
                    ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                    ["type"] = "AdaptiveCard",
                    ["version"] = "1.4",
                    ["body"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "Container",
                        ["items"] = new JsonArray(
                            new JsonObject
                            {
                                ["type"] = "TextBlock",
                                ["text"] = e.ObjectName,
                                ["size"] = "large",
                                ["weight"] = "bolder",
                                ["wrap"] = true,
                            },
                            message,
                            factSet),
                    }),
                    ["msteams"] = new JsonObject { ["width"] = "Full" },
                },
            }),
        };
    }
}
