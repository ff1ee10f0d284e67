namespace Tide.Engine.Sources;

/// <summary>
/// Where to fetch instead (tide.sources.mirrors): each rule replaces a URL prefix, as git's url.&lt;base&gt;.insteadOf
/// does, so that sources named by their public address (https://github.com/..., oci://ghcr.io/..., a Helm
/// repository) are read from a mirror without editing the manifests. The longest matching prefix wins. Objects keep
/// their URL; only the requests go elsewhere.
/// </summary>
public sealed class UrlMirrors
{
    private readonly IReadOnlyList<(string From, string To)> _rules;

    public UrlMirrors(IEnumerable<(string From, string To)> rules) =>
        _rules = rules.Where(r => r.From.Length > 0).OrderByDescending(r => r.From.Length).ToList();

    public static UrlMirrors None { get; } = new([]);

    public bool IsEmpty => _rules.Count == 0;

    /// <summary>The URL to fetch for <paramref name="url"/>: mirrored when a rule's prefix matches, else itself.</summary>
    public string Apply(string url)
    {
        foreach (var (from, to) in _rules)
            if (url.StartsWith(from, StringComparison.Ordinal))
                return to + url[from.Length..];
        return url;
    }
}
