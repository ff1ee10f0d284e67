using System.Security.Cryptography;
using System.Text;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// generic and generic-hmac: the event itself as JSON, with the header gotk-component (the reporting controller), the
/// Secret's 'headers', and for generic-hmac X-Signature: sha256=&lt;hex HMAC-SHA256 of the body keyed with 'token'&gt;.
/// </summary>
public sealed class ForwardNotifier(NotificationHttp http, ProviderConfig config) : INotifier
{
    public const string ComponentHeader = "gotk-component";

    public async Task PostAsync(FluxEvent e, CancellationToken ct)
    {
        var json = e.ToJson();
        string? signature = null;
        if (config.Type == "generic-hmac")
        {
            if (string.IsNullOrEmpty(config.Token))
                throw new NotifierException("HMAC key is empty: the secretRef must hold a 'token'");
            signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(config.Token), Encoding.UTF8.GetBytes(json)));
        }
        await http.SendAsync(config, HttpMethod.Post, config.Address, json, headers =>
        {
            headers.TryAddWithoutValidation(ComponentHeader, e.ReportingController);
            foreach (var (name, value) in config.Headers)
            {
                headers.Remove(name);
                headers.TryAddWithoutValidation(name, value);
            }
            if (signature is not null)
                headers.TryAddWithoutValidation("X-Signature", signature);
        }, ct);
    }
}
