using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// A Kustomization's status.history as Flux keeps it: one snapshot per distinct build (its digest), newest first, at
/// most five; reconciling the same build again updates its snapshot's times, status and count.
/// </summary>
public static class ReconcileHistory
{
    public const int MaxEntries = 5;

    /// <summary>The digest of a build: sha256 of its objects in order.</summary>
    public static string DigestOf(IEnumerable<JsonObject> objects)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var obj in objects)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(obj.ToJsonString()));
            sha.AppendData("\n---\n"u8);
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static IReadOnlyList<HistorySnapshot> Record(IReadOnlyList<HistorySnapshot>? history, string digest,
        DateTimeOffset started, DateTimeOffset finished, string status, IReadOnlyDictionary<string, string> metadata)
    {
        var entries = history?.ToList() ?? [];
        var seconds = new DateTimeOffset(finished.Ticks - finished.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var duration = new GoDuration(TimeSpan.FromMilliseconds(Math.Round((finished - started).TotalMilliseconds)));
        var index = entries.FindIndex(e => e.Digest == digest);
        var snapshot = index < 0
            ? new HistorySnapshot
            {
                Digest = digest, FirstReconciled = seconds, LastReconciled = seconds, LastReconciledDuration = duration,
                LastReconciledStatus = status, TotalReconciliations = 1, Metadata = metadata,
            }
            : entries[index] with
            {
                LastReconciled = seconds, LastReconciledDuration = duration, LastReconciledStatus = status,
                TotalReconciliations = entries[index].TotalReconciliations + 1, Metadata = metadata,
            };
        if (index >= 0)
            entries.RemoveAt(index);
        entries.Insert(0, snapshot);
        return entries.Take(MaxEntries).ToList();
    }
}
