namespace Tide.Engine.Api;

/// <summary>One entry of a Kustomization's reconciliation history (fluxcd/pkg apis/meta Snapshot).</summary>
public sealed record HistorySnapshot
{
    public required string Digest { get; init; }

    public required DateTimeOffset FirstReconciled { get; init; }

    public required DateTimeOffset LastReconciled { get; init; }

    public required GoDuration LastReconciledDuration { get; init; }

    public required string LastReconciledStatus { get; init; }

    public required long TotalReconciliations { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
