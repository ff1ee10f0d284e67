using System.Security.Cryptography;
using System.Text;

namespace Tide.Engine.Generators;

/// <summary>A source's artifact as the generator saw it (source-watcher's ObservedSource).</summary>
public sealed record ObservedSource(string Digest, string Revision, string Url, string? OriginRevision)
{
    /// <summary>source-watcher's HashObservedSources: sha256 of the sorted "alias=[digest=..,revision=..,url=..]"
    /// joined by '|'. Unchanged sources give the same digest, and nothing is rebuilt.</summary>
    public static string Hash(IReadOnlyDictionary<string, ObservedSource> sources)
    {
        var parts = sources.Select(s => $"{s.Key}=[digest={s.Value.Digest},revision={s.Value.Revision},url={s.Value.Url}]")
            .Order(StringComparer.Ordinal);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', parts))));
    }
}
