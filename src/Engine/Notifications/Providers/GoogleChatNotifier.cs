using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications.Providers;

/// <summary>googlechat: a card with the object as title, the controller as subtitle, the message (red for errors)
/// and the metadata as key/value widgets.</summary>
public sealed class GoogleChatNotifier(NotificationHttp http, ProviderConfig config) : INotifier
{
    public Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var text = e.IsError ? $"<font color=\"#ff0000\">{e.Message}</font>" : e.Message;
        var sections = new JsonArray(Section(new JsonObject
        {
            ["textParagraph"] = new JsonObject { ["text"] = text },
            ["keyValue"] = null,
        }));
        if (e.Metadata.Count > 0)
            sections.Add(Section(e.Metadata.Select(m => new JsonObject
            {
                ["textParagraph"] = null,
                ["keyValue"] = new JsonObject
                {
                    ["topLabel"] = m.Key,
                    ["content"] = m.Value,
                    ["contentMultiline"] = false,
                    ["bottomLabel"] = null,
                    ["icon"] = null,
                },
            }).ToArray()));
        var payload = new JsonObject
        {
            ["cards"] = new JsonArray(new JsonObject
            {
                ["header"] = new JsonObject
                {
                    ["title"] = e.ObjectName,
                    ["subtitle"] = e.ReportingController,
                    ["imageUrl"] = null,
                    ["imageStyle"] = null,
                },
                ["sections"] = sections,
            }),
        };
        return http.PostJsonAsync(config, config.Address, payload, null, ct);
    }

    private static JsonObject Section(params JsonObject[] widgets) => new()
    {
        ["header"] = "",
        ["widgets"] = new JsonArray(widgets.Select(w => (JsonNode)w).ToArray()),
    };
}
