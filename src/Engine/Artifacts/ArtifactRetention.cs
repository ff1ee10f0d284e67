namespace Tide.Engine.Artifacts;

/// <summary>
/// How long a source's superseded artifacts stay in the store, as Flux's source-controller decides it
/// (<c>--artifact-retention-records</c>, <c>--artifact-retention-ttl</c>): an artifact older than <see cref="Ttl"/>
/// goes, and of the younger ones at most the <see cref="Records"/> newest stay. The current artifact always stays.
/// </summary>
public sealed record ArtifactRetention(int Records, TimeSpan Ttl)
{
    /// <summary>Flux's defaults: 2 records, 60 seconds.</summary>
    public static readonly ArtifactRetention Default = new(2, TimeSpan.FromSeconds(60));
}
