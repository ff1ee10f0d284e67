using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>GitRepository, source.toolkit.fluxcd.io/v1: a Git repository whose reference becomes an artifact.</summary>
public sealed record GitRepository
{
    public const string Group = "source.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionV1 = Group + "/" + Version;
    public const string KindName = "GitRepository";

    public string ApiVersion { get; init; } = ApiVersionV1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required GitRepositorySpec Spec { get; init; }

    /// <summary>observedGeneration -1 until the first reconciliation, so kstatus sees the object in progress.</summary>
    [SchemaDefault("{\"observedGeneration\":-1}")]
    public GitRepositoryStatus? Status { get; init; }
}
