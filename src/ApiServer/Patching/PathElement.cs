using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>One step of a field path, as structured-merge-diff names it: a field (<c>f:name</c>), a keyed list item
/// (<c>k:{"name":"a"}</c>), a set member (<c>v:"x"</c>) or a list index (<c>i:0</c>). Equal when kind and canonical
/// text are equal; ordered as Kubernetes orders FieldsV1 members.</summary>
internal sealed class PathElement : IEquatable<PathElement>, IComparable<PathElement>
{
    public enum ElementKind
    {
        Field,
        Key,
        Value,
        Index,
    }

    private PathElement(ElementKind kind, string text, JsonNode? value)
    {
        Kind = kind;
        Text = text;
        Value = value;
    }

    public ElementKind Kind { get; }

    /// <summary>The field name, or the canonical JSON of the key object, value or index.</summary>
    public string Text { get; }

    /// <summary>The key object (fields sorted by name) or the set value; null for fields and indexes.</summary>
    private JsonNode? Value { get; }

    public static PathElement Field(string name) => new(ElementKind.Field, name, null);

    /// <summary>A keyed list item from its key fields; the fields are sorted by name, as Kubernetes does.</summary>
    public static PathElement Key(IEnumerable<(string Name, JsonNode? Value)> fields)
    {
        var key = new JsonObject();
        foreach (var (name, value) in fields.OrderBy(f => f.Name, StringComparer.Ordinal))
            key[name] = value?.DeepClone();
        return new PathElement(ElementKind.Key, GoJson.Write(key), key);
    }

    public static PathElement SetValue(JsonNode? value) =>
        new(ElementKind.Value, GoJson.Write(value), value?.DeepClone());

    public static PathElement Index(int index) =>
        new(ElementKind.Index, index.ToString(CultureInfo.InvariantCulture), null);

    /// <summary>Parses a FieldsV1 member name such as <c>f:spec</c> or <c>k:{"port":80,"protocol":"TCP"}</c>.</summary>
    public static PathElement ParseFieldsV1(string text)
    {
        if (text.Length < 2 || text[1] != ':')
            throw new FormatException($"invalid FieldsV1 member \"{text}\"");
        var rest = text[2..];
        switch (text[0])
        {
            case 'f':
                return Field(rest);
            case 'k':
                var key = JsonNode.Parse(rest) as JsonObject ?? throw new FormatException($"invalid FieldsV1 key \"{text}\"");
                return Key(key.Select(member => (member.Key, member.Value)));
            case 'v':
                return SetValue(JsonNode.Parse(rest));
            case 'i':
                return int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    ? Index(index)
                    : throw new FormatException($"invalid FieldsV1 index \"{text}\"");
            default:
                throw new FormatException($"invalid FieldsV1 member \"{text}\"");
        }
    }

    public string ToFieldsV1() => Kind switch
    {
        ElementKind.Field => "f:" + Text,
        ElementKind.Key => "k:" + Text,
        ElementKind.Value => "v:" + Text,
        _ => "i:" + Text,
    };

    /// <summary>The form Kubernetes uses in conflict messages: <c>.name</c>, <c>[name="a"]</c>, <c>[="x"]</c>, <c>[0]</c>.</summary>
    public override string ToString() => Kind switch
    {
        ElementKind.Field => "." + Text,
        ElementKind.Key => "[" + string.Join(",", ((JsonObject)Value!).Select(f => f.Key + "=" + GoJson.Write(f.Value))) + "]",
        ElementKind.Value => "[=" + Text + "]",
        _ => "[" + Text + "]",
    };

    public bool Equals(PathElement? other) =>
        other is not null && other.Kind == Kind && string.Equals(other.Text, Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as PathElement);

    public override int GetHashCode() => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(Text));

    /// <summary>Fields before keys before values before indexes; within a kind, structured-merge-diff's order
    /// (names ordinally, keys field by field, values numbers &lt; strings &lt; booleans &lt; lists &lt; maps &lt; null).</summary>
    public int CompareTo(PathElement? other)
    {
        if (other is null)
            return 1;
        if (Kind != other.Kind)
            return Kind.CompareTo(other.Kind);
        return Kind switch
        {
            ElementKind.Field => string.CompareOrdinal(Text, other.Text),
            ElementKind.Index => int.Parse(Text, CultureInfo.InvariantCulture).CompareTo(int.Parse(other.Text, CultureInfo.InvariantCulture)),
            ElementKind.Key => CompareFieldLists((JsonObject)Value!, (JsonObject)other.Value!),
            _ => CompareValues(Value, other.Value),
        };
    }

    private static int CompareFieldLists(JsonObject left, JsonObject right)
    {
        var l = left.ToList();
        var r = right.ToList();
        for (var i = 0; ; i++)
        {
            if (i >= l.Count || i >= r.Count)
                return l.Count.CompareTo(r.Count);
            var byName = string.CompareOrdinal(l[i].Key, r[i].Key);
            if (byName != 0)
                return byName;
            var byValue = CompareValues(l[i].Value, r[i].Value);
            if (byValue != 0)
                return byValue;
        }
    }

    private static int CompareValues(JsonNode? left, JsonNode? right)
    {
        var (leftRank, rightRank) = (Rank(left), Rank(right));
        if (leftRank != rightRank)
            return leftRank.CompareTo(rightRank);
        return leftRank switch
        {
            0 => Number(left!).CompareTo(Number(right!)),
            1 => string.CompareOrdinal(left!.GetValue<string>(), right!.GetValue<string>()),
            2 => left!.GetValue<bool>().CompareTo(right!.GetValue<bool>()),
            _ => string.CompareOrdinal(GoJson.Write(left), GoJson.Write(right)),
        };
    }

    // Read from the JSON text: a number built in code (an int) and one parsed from JSON compare alike.
    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static int Rank(JsonNode? node) => (node?.GetValueKind() ?? JsonValueKind.Null) switch
    {
        JsonValueKind.Number => 0,
        JsonValueKind.String => 1,
        JsonValueKind.True or JsonValueKind.False => 2,
        JsonValueKind.Array => 3,
        JsonValueKind.Object => 4,
        _ => 5,
    };
}
