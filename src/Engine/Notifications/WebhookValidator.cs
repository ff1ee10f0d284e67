using System.Security.Cryptography;
using System.Text;

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
        ReceiverTypes.GitHub => ValidateGitHub(token, events, call),
        ReceiverTypes.GitLab => ValidateGitLab(token, events, call),
        _ => $"receiver type '{type}' not supported",
    };

    private static string? ValidateGitHub(string token, IReadOnlyList<string>? events, WebhookCall call)
    {
        // GitHub sends both; the SHA-256 one is preferred, as go-github's ValidatePayload does.
        var signature = call.Header("X-Hub-Signature-256") ?? call.Header("X-Hub-Signature");
        if (!ValidSignature(signature, call.Body, token))
            return "the GitHub signature header is invalid";
        var evt = call.Header("X-GitHub-Event") ?? "";
        return Allowed(events, evt) ? null : $"the GitHub event '{evt}' is not authorised";
    }

    private static string? ValidateGitLab(string token, IReadOnlyList<string>? events, WebhookCall call)
    {
        var given = call.Header("X-Gitlab-Token") ?? "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
            return "the X-Gitlab-Token header value does not match the receiver token";
        var evt = call.Header("X-Gitlab-Event") ?? "";
        return Allowed(events, evt) ? null : $"the GitLab event '{evt}' is not authorised";
    }

    private static bool Allowed(IReadOnlyList<string>? events, string evt) =>
        events is not { Count: > 0 } || events.Any(e => string.Equals(e, evt, StringComparison.OrdinalIgnoreCase));

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
