using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications.Providers;

/// <summary>opsgenie: an alert (POST to the alerts API address) with the API key ('token') as GenieKey; its alias
/// (the SHA-256 of Provider UID, object and reason) lets Opsgenie merge repeats.</summary>
public sealed class OpsgenieNotifier : INotifier
{
    private readonly NotificationHttp _http;
    private readonly ProviderConfig _config;

    public OpsgenieNotifier(NotificationHttp http, ProviderConfig config)
    {
        if (string.IsNullOrEmpty(config.Token))
            throw new NotifierException("empty Opsgenie apikey/token: the secretRef must hold a 'token'");
        _http = http;
        _config = config;
    }

    public Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var o = e.InvolvedObject;
        var details = new JsonObject(e.Metadata.Where(m => m.Key != "severity")
            .Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)))
        {
            ["severity"] = e.Severity,
        };
        var alias = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{_config.ProviderUid}/{o.Kind}/{o.Namespace}/{o.Name}/{e.Reason}")));
        var payload = new JsonObject
        {
            ["message"] = $"{o.Kind}/{o.Name}",
            ["alias"] = alias,
            ["description"] = e.Message,
            ["details"] = details,
        };
        return _http.PostJsonAsync(_config, _config.Address, payload,
            headers => headers.TryAddWithoutValidation("Authorization", "GenieKey " + _config.Token), ct);
    }
}
