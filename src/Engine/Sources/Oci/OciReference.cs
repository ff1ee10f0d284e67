namespace Tide.Engine.Sources.Oci;

/// <summary>
/// "oci://host[:port]/repository[:tag][@sha256:hex]" taken apart: the registry host, the repository path and at most
/// one tag and one digest.
/// </summary>
public sealed record OciReference(string Registry, string Repository, string? Tag = null, string? Digest = null)
{
    public const string Scheme = "oci://";

    /// <summary>Parses an oci:// URL; throws <see cref="FormatException"/> with Flux's message when it is not one.</summary>
    public static OciReference Parse(string url)
    {
        if (!url.StartsWith(Scheme, StringComparison.Ordinal))
            throw new FormatException("URL must be in format 'oci://<domain>/<org>/<repo>'");
        var rest = url[Scheme.Length..];
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
        }
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
            throw new FormatException("URL must be in format 'oci://<domain>/<org>/<repo>'");
        var registry = rest[..slash];
        var repository = rest[(slash + 1)..];
        string? tag = null;
        var colon = repository.LastIndexOf(':');
        if (colon >= 0)
        {
            tag = repository[(colon + 1)..];
            repository = repository[..colon];
        }
        if (repository.Length == 0 || repository != repository.ToLowerInvariant() || repository.EndsWith('/') || tag == "")
            throw new FormatException($"invalid OCI repository '{url}': repository names are lower case");
        return new OciReference(registry, repository, tag, digest);
    }

    /// <summary>The repository URL without tag or digest, as OCIRepository.spec.url takes it.</summary>
    public string RepositoryUrl => $"{Scheme}{Registry}/{Repository}";

    public override string ToString() =>
        RepositoryUrl + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);
}
