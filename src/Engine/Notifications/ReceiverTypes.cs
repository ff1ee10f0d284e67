using System.Security.Cryptography;
using System.Text;

namespace Tide.Engine.Notifications;

/// <summary>The Receiver types Tide validates, and the webhook path a Receiver's token gives.</summary>
public static class ReceiverTypes
{
    public const string Generic = "generic";
    public const string GenericHmac = "generic-hmac";
    public const string GitHub = "github";
    public const string GitLab = "gitlab";
    public const string Bitbucket = "bitbucket";
    public const string Harbor = "harbor";
    public const string Quay = "quay";
    public const string DockerHub = "dockerhub";
    public const string Nexus = "nexus";
    public const string Acr = "acr";

    public static IReadOnlyList<string> Supported { get; } = [Generic, GenericHmac, GitHub, GitLab, Bitbucket, Harbor, Quay,
        DockerHub, Nexus, Acr];

    /// <summary>Flux's path: /hook/ and the hex SHA-256 of token + name + namespace.</summary>
    public static string WebhookPath(string token, string name, string @namespace) =>
        "/hook/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token + name + @namespace)));
}
