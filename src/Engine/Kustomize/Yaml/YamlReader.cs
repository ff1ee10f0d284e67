using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Tide.Engine.Kustomize.Yaml;

/// <summary>Parses YAML text into <see cref="YNode"/> documents; aliases are expanded, comments dropped.</summary>
public static class YamlReader
{
    /// <summary>Every document of the stream; an empty document is returned as null.</summary>
    public static List<YNode?> ReadDocuments(string text, string source)
    {
        var documents = new List<YNode?>();
        try
        {
            var parser = new BoundedParser(NormalizeTabs(text));
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var anchors = new Dictionary<string, YNode>();
                YNode? root = null;
                if (!parser.Accept<DocumentEnd>(out _))
                    root = ReadNode(parser, anchors);
                parser.Consume<DocumentEnd>();
                documents.Add(root is YScalar s && s.IsNull ? null : root);
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException e)
        {
            throw Malformed(e, source);
        }
        return documents;
    }

    /// <summary>kustomize's wording for YAML it cannot read (go-yaml's message, the file).</summary>
    public static KustomizeException Malformed(YamlException e, string source) =>
        new($"MalformedYAMLError: yaml: {(e.Start.Line > 0 ? $"line {e.Start.Line}: " : "")}{FirstLine(e.Message)} in File: {source}", e);

    /// <summary>Exactly one document (a kustomization file, a patch); null when the text is empty.</summary>
    public static YNode? ReadSingle(string text, string source)
    {
        var docs = ReadDocuments(text, source).Where(d => d is not null).ToList();
        return docs.Count == 0 ? null : docs[0];
    }

    private static YNode ReadNode(IParser parser, Dictionary<string, YNode> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var target))
                throw new KustomizeException($"yaml: unknown anchor '{alias.Value.Value}' referenced");
            return target.DeepClone();
        }
        YNode node;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            node = new YScalar(scalar.Value)
            {
                Style = scalar.Style switch
                {
                    YamlDotNet.Core.ScalarStyle.SingleQuoted => ScalarStyle.SingleQuoted,
                    YamlDotNet.Core.ScalarStyle.DoubleQuoted => ScalarStyle.DoubleQuoted,
                    YamlDotNet.Core.ScalarStyle.Literal => ScalarStyle.Literal,
                    YamlDotNet.Core.ScalarStyle.Folded => ScalarStyle.Folded,
                    _ => ScalarStyle.Plain,
                },
                Tag = ShortTag(scalar.Tag),
            };
            Remember(scalar.Anchor, node, anchors);
            return node;
        }
        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var seq = new YSequence { Tag = ShortTag(seqStart.Tag) };
            while (!parser.TryConsume<SequenceEnd>(out _))
                seq.Items.Add(ReadNode(parser, anchors));
            Remember(seqStart.Anchor, seq, anchors);
            return seq;
        }
        var mapStart = parser.Consume<MappingStart>();
        var map = new YMapping { Tag = ShortTag(mapStart.Tag) };
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(parser, anchors);
            var value = ReadNode(parser, anchors);
            if (key is not YScalar keyScalar)
                throw new KustomizeException("yaml: only scalar mapping keys are supported");
            if (keyScalar.Value == "<<" && keyScalar.Style == ScalarStyle.Plain && value is YMapping merged)
            {
                foreach (var entry in merged.Entries)
                    if (map[entry.Key] is null)
                        map.Add(entry.Key, entry.Value);
                continue;
            }
            if (map[keyScalar.Value] is not null)
                throw new KustomizeException($"yaml: mapping key \"{keyScalar.Value}\" already defined");
            map.Add(keyScalar.Value, value);
        }
        Remember(mapStart.Anchor, map, anchors);
        return map;
    }

    private static void Remember(AnchorName anchor, YNode node, Dictionary<string, YNode> anchors)
    {
        if (!anchor.IsEmpty)
            anchors[anchor.Value] = node;
    }

    private static string? ShortTag(TagName tag)
    {
        if (tag.IsEmpty || tag.IsNonSpecific)
            return null;
        const string prefix = "tag:yaml.org,2002:";
        return tag.Value.StartsWith(prefix, StringComparison.Ordinal) ? "!!" + tag.Value[prefix.Length..] : tag.Value;
    }

    // go-yaml accepts a tab after a mapping key's colon at the end of a line ("literals:<TAB>"); YamlDotNet does not.
    // Only such lines are touched (trailing blanks after the colon dropped), which never changes a document's meaning.
    private static string NormalizeTabs(string text)
    {
        if (!text.Contains('\t'))
            return text;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var cr = line.EndsWith('\r') ? "\r" : "";
            var body = line[..^cr.Length];
            var trimmed = body.TrimEnd('\t', ' ');
            if (trimmed.Length < body.Length && body[trimmed.Length..].Contains('\t') && trimmed.EndsWith(':'))
                lines[i] = trimmed + cr;
        }
        return string.Join('\n', lines);
    }

    private static string FirstLine(string s) => s.Split('\n')[0];
}
