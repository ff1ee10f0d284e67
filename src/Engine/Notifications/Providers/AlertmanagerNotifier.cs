using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// alertmanager: one firing alert per event (POST to the v2 alerts API address), labelled with the metadata and the
/// object (alertname "Flux&lt;Kind&gt;&lt;Reason in title case&gt;"), annotated with the message and summary; bearer
/// token or basic authentication from the Secret.
/// </summary>
public sealed class AlertmanagerNotifier(NotificationHttp http, ProviderConfig config) : INotifier
{
    public Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["message"] = e.Message };
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in e.Metadata)
        {
            if (key == "summary")
                annotations["summary"] = value;
            else
                labels[key] = value;
        }
        labels["alertname"] = "Flux" + e.InvolvedObject.Kind + TitleCase(e.Reason);
        labels["severity"] = e.Severity;
        labels["reason"] = e.Reason;
        labels["kind"] = e.InvolvedObject.Kind;
        labels["name"] = e.InvolvedObject.Name;
        labels["namespace"] = e.InvolvedObject.Namespace;
        labels["reportingcontroller"] = e.ReportingController;
        var payload = new JsonArray(new JsonObject
        {
            ["status"] = "firing",
            ["labels"] = Map(labels),
            ["annotations"] = Map(annotations),
            ["startsAt"] = e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            // Go writes the zero time of a struct field that omitempty cannot omit.
            ["endsAt"] = "0001-01-01T00:00:00Z",
        });
        return http.PostJsonAsync(config, config.Address, payload, headers =>
        {
            if (!string.IsNullOrEmpty(config.Username) && !string.IsNullOrEmpty(config.Password))
                headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{config.Username}:{config.Password}")));
            else if (!string.IsNullOrEmpty(config.Token))
                headers.Authorization = new AuthenticationHeaderValue("Bearer", config.Token);
        }, ct);
    }

    /// <summary>Go's cases.Title of one word: the first letter upper case, the rest lower case.</summary>
    private static string TitleCase(string word) =>
        word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant();

    private static JsonObject Map(SortedDictionary<string, string> values) =>
        new(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));
}
