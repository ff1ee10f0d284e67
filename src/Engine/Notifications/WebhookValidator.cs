using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tide.Engine.Notifications;

/// <summary>
/// Validates a webhook call as notification-controller does per Receiver type: the signature or token, then the
/// sender's event against the Receiver's events (all when none are listed). Returns null when valid, else why not.
/// </summary>
public static class WebhookValidator
{
    public static string? Validate(string type, string token, IReadOnlyList<string>? events, WebhookCall call) => type switch
    {
        ReceiverTypes.Generic => null,
        ReceiverTypes.GenericHmac => ValidSignature(call.Header("X-Signature"), call.Body, token)
            ? null : "unable to validate HMAC signature",
        ReceiverTypes.GitHub => ValidateHubSignature("GitHub", "X-GitHub-Event", token, events, call),
        // Bitbucket Server signs as GitHub does.
        ReceiverTypes.Bitbucket => ValidateHubSignature("Bitbucket server", "X-Event-Key", token, events, call),
        ReceiverTypes.GitLab => !SameToken(call.Header("X-Gitlab-Token"), token)
            ? "the X-Gitlab-Token header value does not match the receiver token"
            : AllowedEvent("GitLab", call.Header("X-Gitlab-Event"), events),
        ReceiverTypes.Harbor => SameToken(call.Header("Authorization"), token)
            ? null : "the Harbor Authorization header value does not match the receiver token",
        // Quay and Docker Hub do not sign: the secret path is the credential, the body must be their JSON.
        ReceiverTypes.Quay => IsJsonObject(call.Body) ? null : "cannot decode Quay webhook payload",
        ReceiverTypes.DockerHub => IsJsonObject(call.Body) ? null : "cannot decode DockerHub webhook payload",
        ReceiverTypes.Nexus => ValidateNexus(token, call),
        // Azure Container Registry does not sign either: its body must be its push event JSON.
        ReceiverTypes.Acr => IsJsonObject(call.Body) ? null : "cannot decode ACR webhook payload",
        _ => $"receiver type '{type}' not supported",
    };

    private static string? ValidateHubSignature(string sender, string eventHeader, string token, IReadOnlyList<string>? events,
        WebhookCall call)
    {
        // Senders may send both; the SHA-256 one is preferred, as go-github's ValidatePayload does.
        var signature = call.Header("X-Hub-Signature-256") ?? call.Header("X-Hub-Signature");
        return ValidSignature(signature, call.Body, token)
            ? AllowedEvent(sender, call.Header(eventHeader), events)
            : $"the {sender} signature header is invalid";
    }

    /// <summary>Nexus signs with a bare hex HMAC-SHA1 of the body.</summary>
    private static string? ValidateNexus(string token, WebhookCall call)
    {
        var signature = call.Header("X-Nexus-Webhook-Signature");
        if (string.IsNullOrEmpty(signature))
            return "Nexus signature is missing from header";
        if (!ValidSignature("sha1=" + signature, call.Body, token))
            return "invalid Nexus signature";
        return IsJsonObject(call.Body) ? null : "cannot decode Nexus webhook payload";
    }

    private static string? AllowedEvent(string sender, string? evt, IReadOnlyList<string>? events)
    {
        evt ??= "";
        var allowed = events is not { Count: > 0 } || events.Any(e => string.Equals(e, evt, StringComparison.OrdinalIgnoreCase));
        return allowed ? null : $"the {sender} event '{evt}' is not authorised";
    }

    private static bool SameToken(string? given, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given ?? ""), Encoding.UTF8.GetBytes(token));

    private static bool IsJsonObject(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A "sha1=&lt;hex&gt;", "sha256=&lt;hex&gt;" or "sha512=&lt;hex&gt;" HMAC of the body keyed with the token.</summary>
    private static bool ValidSignature(string? header, byte[] body, string token)
    {
        var eq = header?.IndexOf('=') ?? -1;
        if (header is null || eq < 1)
            return false;
        var key = Encoding.UTF8.GetBytes(token);
        byte[] expected = header[..eq] switch
        {
            "sha1" => HMACSHA1.HashData(key, body),
            "sha256" => HMACSHA256.HashData(key, body),
            "sha512" => HMACSHA512.HashData(key, body),
            _ => [],
        };
        byte[] given;
        try
        {
            given = Convert.FromHexString(header[(eq + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }
        return expected.Length > 0 && CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
