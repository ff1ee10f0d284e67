using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// Posts a Canary's alerts to the AlertProviders of spec.analysis.alerts, as Flagger does: an alert of severity
/// info goes to every provider; warn and error only to those that ask for that severity (error also to warn). Tide
/// posts Slack's payload (slack, rocket, and discord through its Slack-compatible endpoint); the address comes from
/// the provider or its Secret's 'address' key, with the 'token' key as a bearer token. A provider that cannot be
/// reached loses the alert, as in Flagger: alerts never stop an analysis.
/// </summary>
public sealed class CanaryAlerts(KubeClient kube, HttpClient http)
{
    private static readonly HashSet<string> SlackCompatible = ["slack", "rocket", "discord"];

    public async Task PostAsync(Canary canary, IReadOnlyList<CanaryAlertMessage> alerts, CancellationToken ct)
    {
        var analysis = canary.Spec.Analysis ?? canary.Spec.CanaryAnalysis;
        foreach (var alert in alerts)
            foreach (var target in analysis?.Alerts ?? [])
                if (Wants(target.Severity, alert.Severity))
                    await PostOneAsync(canary, target, alert, ct);
    }

    private static bool Wants(string? subscribed, string severity) =>
        subscribed is null or "" or "info" || subscribed == severity || (severity == "error" && subscribed == "warn");

    private async Task PostOneAsync(Canary canary, CanaryAlert target, CanaryAlertMessage alert, CancellationToken ct)
    {
        var ns = target.ProviderRef.Namespace is { Length: > 0 } other ? other : canary.Metadata.NamespaceProperty ?? "";
        try
        {
            if (await kube.GetAsync(new ObjectRef(Canary.ApiVersionV1Beta1, AlertProvider.KindName, ns, target.ProviderRef.Name), ct)
                is not { } obj)
                return;
            var provider = FluxJson.FromNode<AlertProvider>(obj).Spec;
            if (!SlackCompatible.Contains(provider.Type))
                return;
            var address = provider.Address;
            string? token = null;
            if (provider.SecretRef is { } secretRef &&
                await kube.GetAsync(new ObjectRef("v1", "Secret", ns, secretRef.Name), ct) is { } secret)
            {
                address = Decode(secret["data"]?["address"]) ?? address;
                token = Decode(secret["data"]?["token"]);
            }
            if (string.IsNullOrEmpty(address) || !Uri.TryCreate(provider.Type == "discord" ? address.TrimEnd('/') + "/slack" : address,
                    UriKind.Absolute, out var url))
                return;
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(Payload(canary, provider, alert).ToJsonString(), Encoding.UTF8, "application/json"),
            };
            if (token is { Length: > 0 })
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or KubeApiException or System.Text.Json.JsonException ||
                                  (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // Lost, as Flagger loses an alert its provider refuses: the events hold the same news.
        }
    }

    private static JsonObject Payload(Canary canary, AlertProviderSpec provider, CanaryAlertMessage alert)
    {
        var fields = new JsonArray();
        if (alert.WithMetadata)
        {
            var analysis = canary.Spec.Analysis ?? canary.Spec.CanaryAnalysis;
            void Add(string title, string value) => fields.Add(new JsonObject { ["title"] = title, ["value"] = value, ["short"] = false });
            Add("Target", $"{canary.Spec.TargetRef.Kind ?? "Deployment"}/{canary.Spec.TargetRef.Name}.{canary.Metadata.NamespaceProperty}");
            Add("Failed checks threshold", (analysis?.Threshold is > 0 and var t ? t : 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add("Progress deadline", $"{canary.Spec.ProgressDeadlineSeconds ?? 600}s");
        }
        return new JsonObject
        {
            ["channel"] = provider.Channel is { Length: > 0 } channel ? channel : "general",
            ["username"] = provider.Username is { Length: > 0 } user ? user : "flagger",
            ["icon_url"] = "",
            ["icon_emoji"] = ":rocket:",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["color"] = alert.Severity == "error" ? "danger" : "good",
                ["author_name"] = $"{canary.Metadata.Name}.{canary.Metadata.NamespaceProperty}",
                ["text"] = alert.Message,
                ["mrkdwn_in"] = new JsonArray("text"),
                ["fields"] = fields,
            }),
        };
    }

    private static string? Decode(JsonNode? value) =>
        (string?)value is { } text ? Encoding.UTF8.GetString(Convert.FromBase64String(text)) : null;
}
