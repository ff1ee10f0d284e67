using System.Security.Cryptography;
using System.Text;

namespace Tide.Engine.Sources.Bucket;

/// <summary>
/// The keys of a bucket's fetched objects with their ETags, and the revision Flux derives from them (fluxcd/pkg
/// index.Digester): SHA-256 over "&lt;key&gt; &lt;etag&gt;\n" for every key in ordinal order, as "sha256:&lt;hex&gt;".
/// </summary>
public sealed class EtagIndex
{
    private readonly SortedDictionary<string, string> _etags = new(StringComparer.Ordinal);

    public int Count => _etags.Count;

    public IEnumerable<KeyValuePair<string, string>> Entries => _etags;

    public void Add(string key, string etag) => _etags[key] = etag;

    public void Remove(string key) => _etags.Remove(key);

    public string Revision()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, etag) in _etags)
            hash.AppendData(Encoding.UTF8.GetBytes($"{key} {etag}\n"));
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
