using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Patches;

/// <summary>RFC 6902 JSON patch applied to YAML nodes (so untouched fields keep their form).</summary>
public static class JsonPatch
{
    /// <summary>Parses operations written as YAML or JSON (a list of {op, path, value, from}).</summary>
    public static List<YMapping> Parse(string text, string source)
    {
        var node = YamlReader.ReadSingle(text, source);
        if (node is not YSequence seq)
            throw new KustomizeException($"unable to parse SM or JSON patch from {source}");
        return seq.Items.OfType<YMapping>().ToList();
    }

    /// <summary>
    /// Applies the operations as kustomize's JSON patch library (evanphx/json-patch v4) does: `replace` of a missing
    /// map key sets it, negative list indexes count from the end, an operation without a value uses null.
    /// </summary>
    public static void Apply(YMapping document, IEnumerable<YMapping> operations, string source)
    {
        // kustomize patches objects that carry its internal build annotations, so metadata.annotations always exists
        // there and "add /metadata/annotations/x" works on an object without annotations.
        var metadata = document.GetMapping("metadata");
        var addedAnnotations = metadata is not null && metadata["annotations"] is null;
        if (addedAnnotations)
            metadata!["annotations"] = new YMapping();
        try
        {
            ApplyAll(document, operations, source);
        }
        finally
        {
            if (addedAnnotations && document.GetMapping("metadata") is { } after && after["annotations"] is YMapping { Count: 0 })
                after.Remove("annotations");
        }
    }

    private static void ApplyAll(YMapping document, IEnumerable<YMapping> operations, string source)
    {
        foreach (var op in operations)
        {
            var kind = op.GetString("op") ?? "";
            var path = op.GetString("path") ?? "";
            switch (kind)
            {
                case "add":
                    Add(document, path, Value(op));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Replace(document, path, Value(op));
                    break;
                case "move":
                {
                    var from = op.GetString("from") ?? "";
                    var value = Get(document, from);
                    Remove(document, from);
                    Add(document, path, value);
                    break;
                }
                case "copy":
                    Add(document, path, Get(document, op.GetString("from") ?? "").DeepClone());
                    break;
                case "test":
                    if (ManifestWriter.Write(Get(document, path)) != ManifestWriter.Write(Value(op)))
                        throw new KustomizeException($"testing value {path} failed: test failed in {source}");
                    break;
                default:
                    throw new KustomizeException($"Unexpected kind: {kind} in {source}");
            }
        }
    }

    private static YNode Value(YMapping op) => op["value"]?.DeepClone() ?? new YScalar("null");

    private static string[] Tokens(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static YNode Get(YNode root, string pointer)
    {
        var node = root;
        foreach (var token in Tokens(pointer))
            node = Child(node, token) ?? throw new KustomizeException($"doc is missing path: {pointer}: missing value");
        return node;
    }

    private static YNode? Child(YNode node, string token) => node switch
    {
        YMapping m => m[token],
        YSequence s when ExistingIndex(s, token) is { } i => s.Items[i],
        _ => null,
    };

    /// <summary>The index of an existing element; a negative one counts from the end.</summary>
    private static int? ExistingIndex(YSequence s, string token) =>
        int.TryParse(token, out var i) && i >= -s.Items.Count && i < s.Items.Count ? (i < 0 ? i + s.Items.Count : i) : null;

    private static (YNode Parent, string Last) Parent(YNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
            throw new KustomizeException("cannot patch the document root");
        var node = root;
        foreach (var token in tokens[..^1])
            node = Child(node, token) ?? throw new KustomizeException($"doc is missing path: {pointer}: missing value");
        return (node, tokens[^1]);
    }

    private static void Add(YNode root, string pointer, YNode value)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case YMapping m:
                m[last] = value;
                break;
            case YSequence s when last == "-":
                s.Items.Add(value);
                break;
            case YSequence s when int.TryParse(last, out var i) && i >= -(s.Items.Count + 1) && i <= s.Items.Count:
                s.Items.Insert(i < 0 ? i + s.Items.Count + 1 : i, value);
                break;
            default:
                throw new KustomizeException($"add operation does not apply: doc is missing path: \"{pointer}\": missing value");
        }
    }

    private static void Replace(YNode root, string pointer, YNode value)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case YMapping m:
                m[last] = value;
                break;
            case YSequence s when ExistingIndex(s, last) is { } i:
                s.Items[i] = value;
                break;
            default:
                throw new KustomizeException($"replace operation does not apply: doc is missing key: {pointer}: missing value");
        }
    }

    private static void Remove(YNode root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case YMapping m when m[last] is not null:
                m.Remove(last);
                break;
            case YSequence s when ExistingIndex(s, last) is { } i:
                s.Items.RemoveAt(i);
                break;
            default:
                throw new KustomizeException($"remove operation does not apply: doc is missing path: \"{pointer}\": missing value");
        }
    }
}
