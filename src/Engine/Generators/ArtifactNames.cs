namespace Tide.Engine.Generators;

/// <summary>Kubernetes' object-name rule (a DNS subdomain), which every generated ExternalArtifact's name obeys.</summary>
internal static class ArtifactNames
{
    public const string DnsSubdomainRule =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    public static bool IsDnsSubdomain(string name) =>
        name.Length is > 0 and <= 253 && name.Split('.').All(label =>
            label.Length > 0 && IsAlphanumeric(label[0]) && IsAlphanumeric(label[^1]) &&
            label.All(c => IsAlphanumeric(c) || c == '-'));

    private static bool IsAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
