namespace Tide.Engine.Api;

/// <summary>One release revision as helm-controller summarizes it in status.history.</summary>
public sealed record HelmReleaseSnapshot
{
    public string? ApiVersion { get; init; }

    /// <summary>"sha256:&lt;hex&gt;" of the release's stored content.</summary>
    public required string Digest { get; init; }

    public required string Name { get; init; }

    public required string Namespace { get; init; }

    public required int Version { get; init; }

    /// <summary>Helm's release status: deployed, superseded, failed, uninstalled, ...</summary>
    public required string Status { get; init; }

    public required string ChartName { get; init; }

    public required string ChartVersion { get; init; }

    public string? AppVersion { get; init; }

    /// <summary>"sha256:&lt;hex&gt;" of the release's values.</summary>
    public required string ConfigDigest { get; init; }

    public required DateTimeOffset FirstDeployed { get; init; }

    public required DateTimeOffset LastDeployed { get; init; }

    public DateTimeOffset? Deleted { get; init; }

    /// <summary>The test hooks of the release, by name, when tests ran.</summary>
    public IReadOnlyDictionary<string, TestHookStatus>? TestHooks { get; init; }

    public string? OciDigest { get; init; }

    /// <summary>The Helm action that made this revision (install, upgrade, rollback).</summary>
    public string? Action { get; init; }
}
