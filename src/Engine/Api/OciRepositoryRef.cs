namespace Tide.Engine.Api;

/// <summary>The OCI reference to pull. Precedence: digest, then semver, then tag ('latest' when nothing is set).</summary>
public sealed record OciRepositoryRef
{
    /// <summary>An image digest "sha256:&lt;hex&gt;".</summary>
    public string? Digest { get; init; }

    /// <summary>A Masterminds/semver range; the highest matching tag is pulled.</summary>
    public string? Semver { get; init; }

    /// <summary>A regular expression the tags must match before the semver range is applied.</summary>
    public string? SemverFilter { get; init; }

    public string? Tag { get; init; }
}
