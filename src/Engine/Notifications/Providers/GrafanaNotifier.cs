using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications.Providers;

/// <summary>grafana: an annotation (POST to the annotations API address) tagged with the controller, the metadata
/// ("key: value", ':' in them becoming '|') and the object; bearer token, else basic authentication.</summary>
public sealed class GrafanaNotifier(NotificationHttp http, ProviderConfig config) : INotifier
{
    public Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var tags = new JsonArray("flux", e.ReportingController);
        foreach (var (key, value) in e.Metadata)
            tags.Add($"{key.Replace(':', '|')}: {value.Replace(':', '|')}");
        tags.Add($"kind: {e.InvolvedObject.Kind}");
        tags.Add($"name: {e.InvolvedObject.Name}");
        tags.Add($"namespace: {e.InvolvedObject.Namespace}");
        var payload = new JsonObject
        {
            ["when"] = e.Timestamp.ToUnixTimeSeconds(),
            ["text"] = e.ObjectName,
            ["tags"] = tags,
        };
        return http.PostJsonAsync(config, config.Address, payload, headers =>
        {
            if (!string.IsNullOrEmpty(config.Token))
                headers.Authorization = new AuthenticationHeaderValue("Bearer", config.Token);
            else if (!string.IsNullOrEmpty(config.Username) && !string.IsNullOrEmpty(config.Password))
                headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{config.Username}:{config.Password}")));
        }, ct);
    }
}
