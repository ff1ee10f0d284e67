namespace Tide.Engine.Api;

/// <summary>The Git reference to resolve. Precedence: commit, then name, then semver, then tag, then branch
/// ('master' when nothing is set).</summary>
public sealed record GitRepositoryRef
{
    public string? Branch { get; init; }

    public string? Tag { get; init; }

    /// <summary>A Masterminds/semver range; the highest matching tag is checked out.</summary>
    public string? Semver { get; init; }

    /// <summary>A full reference such as refs/heads/main or refs/pull/420/head.</summary>
    public string? Name { get; init; }

    /// <summary>A commit SHA; with Branch, the commit is looked up on that branch.</summary>
    public string? Commit { get; init; }
}
