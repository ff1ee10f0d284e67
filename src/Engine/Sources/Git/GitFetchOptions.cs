namespace Tide.Engine.Sources.Git;

/// <summary>How <see cref="GitFetcher"/> reaches a GitRepository's remote and what it fetches besides the commit.</summary>
public sealed record GitFetchOptions
{
    /// <summary>spec.secretRef; also used for the submodules, as Flux does.</summary>
    public GitCredentials? Credentials { get; init; }

    /// <summary>spec.proxySecretRef: for every HTTP(S) request, the submodules' too.</summary>
    public GitProxy? Proxy { get; init; }

    /// <summary>spec.recurseSubmodules: also fetch the commits the submodules are recorded at, recursively.</summary>
    public bool RecurseSubmodules { get; init; }
}
