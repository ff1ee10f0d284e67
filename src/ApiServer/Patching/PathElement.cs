using System.Globalization;
using System.Text;
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

    private PathElement(ElementKind kind, string text, JsonNode? value = null, (string Name, JsonNode? Value)[]? keyFields = null)
    {
        Kind = kind;
        Text = text;
        Value = value;
        KeyFields = keyFields;
    }

    public ElementKind Kind { get; }

    /// <summary>The field name, or the canonical JSON of the key object, value or index.</summary>
    public string Text { get; }

    /// <summary>The set value; null for other kinds.</summary>
    private JsonNode? Value { get; }

    /// <summary>The key fields sorted by name; null for other kinds. The values are only read, never attached.</summary>
    private (string Name, JsonNode? Value)[]? KeyFields { get; }

    public static PathElement Field(string name) => new(ElementKind.Field, name);

    /// <summary>A keyed list item from its key fields (this call takes the array and sorts it by name, as
    /// Kubernetes orders key fields).</summary>
    public static PathElement Key((string Name, JsonNode? Value)[] fields)
    {
        var sorted = fields;
        if (sorted.Length > 1)
            Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var text = new StringBuilder("{");
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0)
                text.Append(',');
            GoJson.WriteString(sorted[i].Name, text);
            text.Append(':');
            GoJson.Write(sorted[i].Value, text);
        }
        return new PathElement(ElementKind.Key, text.Append('}').ToString(), keyFields: sorted);
    }

    public static PathElement SetValue(JsonNode? value) =>
        new(ElementKind.Value, GoJson.Write(value), value);

    public static PathElement Index(int index) =>
        new(ElementKind.Index, index.ToString(CultureInfo.InvariantCulture));

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
                return Key([.. key.Select(member => (member.Key, member.Value))]);
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
        ElementKind.Key => "[" + string.Join(",", KeyFields!.Select(f => f.Name + "=" + GoJson.Write(f.Value))) + "]",
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
            ElementKind.Key => CompareFieldLists(KeyFields!, other.KeyFields!),
            _ => CompareValues(Value, other.Value),
        };
    }

    private static int CompareFieldLists((string Name, JsonNode? Value)[] left, (string Name, JsonNode? Value)[] right)
    {
        for (var i = 0; ; i++)
        {
            if (i >= left.Length || i >= right.Length)
                return left.Length.CompareTo(right.Length);
            var byName = string.CompareOrdinal(left[i].Name, right[i].Name);
            if (byName != 0)
                return byName;
            var byValue = CompareValues(left[i].Value, right[i].Value);
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
