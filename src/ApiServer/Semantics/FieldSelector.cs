using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Semantics;

/// <summary>A field selector (`metadata.name=x,metadata.namespace!=y`, `status.phase=Running`). metadata.name and
/// metadata.namespace are answered from the stored index; other dotted paths read the object.</summary>
internal sealed class FieldSelector
{
    private readonly List<(string Path, string Value, bool Equal)> _terms;

    private FieldSelector(List<(string, string, bool)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEverything => _terms.Count == 0;

    /// <summary>The name a `metadata.name=x` term pins, so a list can answer from one key.</summary>
    public string? ExactName => _terms.FirstOrDefault(t => t.Equal && t.Path == "metadata.name").Value;

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var terms = new List<(string, string, bool)>();
        foreach (var part in text.Split(','))
        {
            var p = part.Trim();
            var at = p.IndexOf("!=", StringComparison.Ordinal);
            if (at >= 0)
            {
                terms.Add((p[..at].Trim(), p[(at + 2)..].Trim(), false));
                continue;
            }
            at = p.IndexOf('=');
            if (at < 0) throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{p}'");
            var value = p[(at + 1)..].TrimStart('=').Trim();
            terms.Add((p[..at].Trim(), value, true));
        }
        return new FieldSelector(terms);
    }

    public bool Matches(StoredObject obj)
    {
        JsonObject? parsed = null;
        foreach (var (path, value, equal) in _terms)
        {
            string actual;
            if (path == "metadata.name") actual = obj.Name;
            else if (path == "metadata.namespace") actual = obj.Namespace ?? "";
            else actual = Read(parsed ??= obj.ToNode(), path);
            if ((actual == value) != equal) return false;
        }
        return true;
    }

    private static string Read(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonObject o ? o[segment] : null;
        }
        return node is JsonValue v ? v.ToString() : "";
    }
}
