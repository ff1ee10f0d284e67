using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Yaml;

/// <summary>
/// YAML as Helm reads it (sigs.k8s.io/yaml over go-yaml v2): YAML 1.1 scalar resolution, then a trip through JSON,
/// so every number becomes float64 and every map key a string.
/// </summary>
public static partial class GoYaml
{
    [GeneratedRegex(@"\n[ ]+\r?\n")]
    private static partial Regex SpacesOnlyLine();

    /// <summary>
    /// A literal block scalar whose first lines hold only spaces (`key: |` then "    " then "    text", which
    /// `nindent` produces) is valid YAML to go-yaml but refused by YamlDotNet ("extra spaces in first line"). Such
    /// lines, when no longer than the indentation of the text that follows, are empty lines in either reading, so
    /// they are emptied here; line numbers stay as they were.
    /// </summary>
    private static string WithoutLeadingBlankSpaces(string text)
    {
        if (!SpacesOnlyLine().IsMatch(text))
            return text;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var header = lines[i].TrimEnd(' ', '\r');
            if (!(header.EndsWith('|') || header.EndsWith("|-", StringComparison.Ordinal) || header.EndsWith("|+", StringComparison.Ordinal)))
                continue;
            var next = i + 1;
            while (next < lines.Length && lines[next].TrimEnd('\r').Length > 0 && lines[next].TrimEnd('\r').All(c => c == ' '))
                next++;
            if (next == i + 1 || next >= lines.Length)
                continue;
            var indent = lines[next].Length - lines[next].TrimStart(' ').Length;
            for (var j = i + 1; j < next; j++)
                if (lines[j].TrimEnd('\r').Length <= indent)
                    lines[j] = lines[j].EndsWith('\r') ? "\r" : "";
        }
        return string.Join('\n', lines);
    }

    /// <summary>Parses the first document; null for an empty one. Throws <see cref="FormatException"/>
    /// with a go-yaml style message ("yaml: line N: ...").</summary>
    public static object? Parse(string text) => ParseDocuments(text, firstOnly: true).FirstOrDefault();

    public static List<object?> ParseDocuments(string text, bool firstOnly = false)
    {
        var docs = new List<object?>();
        try
        {
            var parser = new YamlDotNet.Core.Parser(new StringReader(WithoutLeadingBlankSpaces(text)));
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var anchors = new Dictionary<string, object?>();
                var value = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, anchors);
                parser.Consume<DocumentEnd>();
                docs.Add(value);
                if (firstOnly)
                    break;
            }
        }
        catch (YamlException e)
        {
            // go-yaml numbers parser-error lines from 0 (scanner errors from 1); YamlDotNet always from 1.
            var line = e is SemanticErrorException ? e.Start.Line - 1 : e.Start.Line;
            throw new FormatException(line > 0 ? $"yaml: line {line}: {GoYamlMessage(e)}" : $"yaml: {GoYamlMessage(e)}");
        }
        return docs;
    }

    /// <summary>Reads only what Helm's SimpleHead needs (kind, metadata.annotations) from the first document, while
    /// still scanning all of it so that invalid YAML fails as it does in Helm. Returns false for a null document.</summary>
    public static bool TryParseHead(string text, out object? document, out string kind, out Dictionary<string, object?>? annotations)
    {
        kind = "";
        annotations = null;
        document = null;
        try
        {
            var parser = new YamlDotNet.Core.Parser(new StringReader(WithoutLeadingBlankSpaces(text)));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _) || parser.Accept<DocumentEnd>(out _))
                return false;
            if (!parser.Accept<MappingStart>(out _))
            {
                document = ReadNode(parser, []);
                return true;
            }
            var anchors = new Dictionary<string, object?>();
            parser.Consume<MappingStart>();
            var head = new Dictionary<string, object?>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, anchors);
                if (key is "kind" or "metadata")
                    head[(string)key] = ReadNode(parser, anchors);
                else
                    parser.SkipThisAndNestedEvents();
            }
            document = head;
            kind = head.GetValueOrDefault("kind") as string ?? "";
            annotations = (head.GetValueOrDefault("metadata") as Dictionary<string, object?>)?.GetValueOrDefault("annotations") as Dictionary<string, object?>;
            while (parser.MoveNext())
            {
            }
            return true;
        }
        catch (YamlException e)
        {
            var line = e is SemanticErrorException ? e.Start.Line - 1 : e.Start.Line;
            throw new FormatException(line > 0 ? $"yaml: line {line}: {GoYamlMessage(e)}" : $"yaml: {GoYamlMessage(e)}");
        }
    }

    private static string GoYamlMessage(YamlException e)
    {
        var m = (e.InnerException?.Message ?? e.Message).TrimEnd('.');
        var comma = m.IndexOf(", ", StringComparison.Ordinal);
        if (m.StartsWith("While ", StringComparison.Ordinal) && comma > 0)
            m = m[(comma + 2)..];
        return m;
    }

    private static object? ReadNode(IParser parser, Dictionary<string, object?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
            return anchors.TryGetValue(alias.Value.Value, out var aliased)
                ? aliased
                : throw new YamlException(alias.Start, alias.End, $"unknown anchor '{alias.Value.Value}' referenced");
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var v = ResolveScalar(scalar);
            if (!scalar.Anchor.IsEmpty)
                anchors[scalar.Anchor.Value] = v;
            return v;
        }
        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var list = new List<object?>();
            if (!seqStart.Anchor.IsEmpty)
                anchors[seqStart.Anchor.Value] = list;
            while (!parser.TryConsume<SequenceEnd>(out _))
                list.Add(ReadNode(parser, anchors));
            return list;
        }
        var mapStart = parser.Consume<MappingStart>();
        var map = new Dictionary<string, object?>();
        if (!mapStart.Anchor.IsEmpty)
            anchors[mapStart.Anchor.Value] = map;
        var merges = new List<Dictionary<string, object?>>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var isMerge = parser.Accept<Scalar>(out var keyScalar) && keyScalar.Value == "<<" && keyScalar.Style == ScalarStyle.Plain;
            var key = ReadNode(parser, anchors);
            var value = ReadNode(parser, anchors);
            if (isMerge)
            {
                if (value is Dictionary<string, object?> one)
                    merges.Add(one);
                else if (value is List<object?> many)
                    merges.AddRange(many.OfType<Dictionary<string, object?>>());
                continue;
            }
            map[KeyString(key)] = value;
        }
        // Merged keys never override explicit ones; earlier merge sources win over later ones.
        foreach (var source in merges)
            foreach (var (k, v) in source)
                map.TryAdd(k, v);
        return map;
    }

    /// <summary>How sigs.k8s.io/yaml turns a non-string YAML key into a JSON key.</summary>
    private static string KeyString(object? key) => key switch
    {
        string s => s,
        null => "null",
        bool b => b ? "true" : "false",
        double d => GoValue.FormatFloat(d, 'g', -1),
        _ => GoValue.Format(key),
    };

    private static object? ResolveScalar(Scalar scalar)
    {
        if (scalar.Style is not ScalarStyle.Plain)
            return scalar.Value;
        if (!scalar.Tag.IsEmpty)
        {
            var tag = scalar.Tag.Value;
            if (tag is "tag:yaml.org,2002:str" or "!!str")
                return scalar.Value;
        }
        return Resolve(scalar.Value) switch
        {
            long l => (double)l,
            ulong u => (double)u,
            var other => other,
        };
    }

    /// <summary>go-yaml v2's resolve() for a plain scalar: null, bool, int (long/ulong), float (double) or string.</summary>
    public static object? Resolve(string s)
    {
        switch (s)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE": return true;
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE": return false;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
        }
        var c = s[0];
        if (c is not ('+' or '-' or '.' or (>= '0' and <= '9')))
            return s;
        var plain = s.Replace("_", "");
        if (TryParseGoInt(plain, out var integer))
            return integer;
        if (plain.StartsWith('-') && TryParseGoInt(plain[1..], out var positive) && positive is long p)
            return -p;
        if (FloatPattern().IsMatch(plain) &&
            double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return d;
        return s;
    }

    /// <summary>strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b prefixes and leading-0 octal).</summary>
    private static bool TryParseGoInt(string s, out object? value)
    {
        value = null;
        var body = s;
        var neg = false;
        if (body.StartsWith('+') || body.StartsWith('-'))
        {
            neg = body[0] == '-';
            body = body[1..];
        }
        if (body.Length == 0)
            return false;
        int radix = 10;
        if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) { radix = 16; body = body[2..]; }
        else if (body.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) { radix = 2; body = body[2..]; }
        else if (body.StartsWith("0o", StringComparison.OrdinalIgnoreCase)) { radix = 8; body = body[2..]; }
        else if (body.Length > 1 && body[0] == '0') { radix = 8; body = body[1..]; }
        if (body.Length == 0)
            return false;
        System.Numerics.BigInteger acc = 0;
        foreach (var ch in body)
        {
            var digit = char.IsAsciiDigit(ch) ? ch - '0' : char.IsAsciiLetter(ch) ? char.ToLowerInvariant(ch) - 'a' + 10 : 99;
            if (digit >= radix)
                return false;
            acc = acc * radix + digit;
        }
        if (neg)
            acc = -acc;
        if (acc >= long.MinValue && acc <= long.MaxValue)
            value = (long)acc;
        else if (!neg && acc <= ulong.MaxValue)
            value = (ulong)acc;
        else
            return false;
        return true;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    /// <summary>Helm's toYaml: sigs.k8s.io/yaml.Marshal (JSON first, then go-yaml v2), trailing newline removed.</summary>
    public static string ToYaml(object? v, bool indentSequences = false)
    {
        var s = YamlEmitter.Emit(JsonNormalize(v), indentSequences);
        return s.EndsWith('\n') ? s[..^1] : s;
    }

    /// <summary>The value as go-yaml sees it after a JSON round trip: integral floats become ints, byte slices base64,
    /// structs their JSON maps.</summary>
    public static object? JsonNormalize(object? v) => v switch
    {
        null or bool or string or long or ulong => v,
        int i => (long)i,
        double d => NormalizeFloat(d),
        byte[] b => Convert.ToBase64String(b),
        List<object?> list => list.Select(JsonNormalize).ToList(),
        Dictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => JsonNormalize(kv.Value)),
        IGoMap m => m.SortedEntries.ToDictionary(kv => kv.Key, kv => JsonNormalize(kv.Value)),
        IJsonValue j => JsonNormalize(j.ToJsonValue()),
        _ => GoValue.Format(v),
    };

    private static object NormalizeFloat(double d)
    {
        var text = GoJson.FormatFloat(d);
        return Resolve(text) ?? d;
    }
}
