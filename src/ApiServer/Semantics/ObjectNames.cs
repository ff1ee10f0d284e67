using System.Text.RegularExpressions;
using Tide.ApiServer.Http;
using Tide.ApiServer.Resources;

namespace Tide.ApiServer.Semantics;

/// <summary>Kubernetes' name rules (DNS-1123 subdomain or label, or a path segment) and generateName suffixes.</summary>
internal static partial class ObjectNames
{
    private const string SuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static void Validate(ResourceType type, string name, string field = "metadata.name")
    {
        var error = type.Names switch
        {
            NameRule.Label when name.Length > 63 || !Label().IsMatch(name) =>
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and " +
                "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is " +
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            NameRule.Subdomain when name.Length > 253 || !Subdomain().IsMatch(name) =>
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
                "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            NameRule.PathSegment when name is "." or ".." || name.Contains('/') || name.Contains('%') =>
                "may not be '.' or '..' and may not contain '/' or '%'",
            _ => null,
        };
        if (error is not null)
        {
            throw ApiException.Invalid(type, name, new StatusCause("FieldValueInvalid", field, $"Invalid value: \"{name}\": {error}"));
        }
    }

    public static string Generate(string prefix)
    {
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++) suffix[i] = SuffixAlphabet[Random.Shared.Next(SuffixAlphabet.Length)];
        // Like Kubernetes, the prefix is cut so that the generated name stays within 63 characters.
        return (prefix.Length > 58 ? prefix[..58] : prefix) + new string(suffix);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
}
