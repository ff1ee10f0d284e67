using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tide.Engine.Yaml;
using ApiYaml = Tide.Engine.Yaml.YamlJson;

namespace Tide.Engine.Decryption;

/// <summary>
/// Reads SOPS documents of each store into a tree plus its <c>sops</c> metadata, and writes decrypted trees. dotenv and
/// INI keep their metadata flattened (<c>sops_</c> keys, a <c>[sops]</c> section; <c>__map_</c>/<c>__list_N__</c>
/// separators); comments are not kept.
/// </summary>
internal static partial class SopsStores
{
    public static SopsFormat FormatForPath(string path)
    {
        if (path.EndsWith(".dockerconfigjson", StringComparison.Ordinal))
            return SopsFormat.Json;
        return Path.GetExtension(path) switch
        {
            ".yaml" or ".yml" => SopsFormat.Yaml,
            ".json" => SopsFormat.Json,
            ".env" => SopsFormat.Dotenv,
            ".ini" => SopsFormat.Ini,
            _ => SopsFormat.Binary,
        };
    }

    /// <summary>The bytes whose presence marks an encrypted document of a format, as Flux looks for them.</summary>
    public static byte[] Marker(SopsFormat format) => format switch
    {
        SopsFormat.Binary or SopsFormat.Json => "\"mac\": \"ENC["u8.ToArray(),
        SopsFormat.Dotenv => "sops_mac=ENC["u8.ToArray(),
        SopsFormat.Ini => "[sops]"u8.ToArray(),
        _ => "mac: ENC["u8.ToArray(),
    };

    public static (JsonObject Tree, JsonObject Metadata) Load(byte[] content, SopsFormat format)
    {
        var text = Encoding.UTF8.GetString(content);
        var (tree, metadata) = format switch
        {
            SopsFormat.Yaml => SplitMetadata(ParseYaml(text)),
            SopsFormat.Json or SopsFormat.Binary => SplitMetadata(ParseJson(text)),
            SopsFormat.Dotenv => LoadDotenv(text),
            _ => LoadIni(text),
        };
        return (tree, metadata ?? throw new SopsDecryptionException($"sops metadata not found in the {Name(format)} document"));
    }

    public static string Name(SopsFormat format) => format switch
    {
        SopsFormat.Yaml => "YAML",
        SopsFormat.Json => "JSON",
        SopsFormat.Ini => "INI",
        SopsFormat.Dotenv => "dotenv",
        _ => "binary",
    };

    public static (JsonObject, JsonObject?) SplitMetadata(JsonObject document)
    {
        var metadata = document["sops"] as JsonObject;
        document.Remove("sops");
        return (document, metadata);
    }

    private static JsonObject ParseYaml(string text)
    {
        try
        {
            return YamlJson.ParseAll(text) switch
            {
                [JsonObject obj] => obj,
                _ => throw new SopsDecryptionException("an encrypted YAML file must hold a single mapping document"),
            };
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new SopsDecryptionException($"failed to load encrypted YAML data: invalid YAML at line {e.Start.Line}");
        }
    }

    private static JsonObject ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new SopsDecryptionException("an encrypted JSON file must hold an object");
        }
        catch (JsonException e)
        {
            throw new SopsDecryptionException($"failed to load encrypted JSON data: invalid JSON at line {e.LineNumber + 1}");
        }
    }

    private static (JsonObject, JsonObject?) LoadDotenv(string text)
    {
        var tree = new JsonObject();
        var flat = new List<(string, string)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                continue;
            var eq = line.IndexOf('=');
            if (eq < 0)
                throw new SopsDecryptionException("invalid dotenv input line: it has no '='");
            var (key, value) = (line[..eq], line[(eq + 1)..].Replace("\\n", "\n", StringComparison.Ordinal));
            if (key.StartsWith("sops_", StringComparison.Ordinal))
                flat.Add((key["sops_".Length..], value));
            else
                tree[key] = value;
        }
        return (tree, flat.Count == 0 ? null : Unflatten(flat));
    }

    private static (JsonObject, JsonObject?) LoadIni(string text)
    {
        var tree = new JsonObject();
        List<(string, string)>? metadata = null;
        JsonObject? section = null;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is ';' or '#')
                continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                var name = line[1..^1].Trim();
                if (name == "sops")
                {
                    metadata = [];
                    section = null;
                }
                else
                {
                    section = tree[name] as JsonObject ?? new JsonObject();
                    tree[name] = section;
                    metadata = null;
                }
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq < 0)
                throw new SopsDecryptionException("invalid INI input line: it has no '='");
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.StartsWith("\"\"\"", StringComparison.Ordinal))
                value = ReadTripleQuoted(lines, ref i, value[3..]);
            if (metadata is not null)
                metadata.Add((key, value.Replace("\\n", "\n", StringComparison.Ordinal)));
            else if (section is not null)
                section[key] = value;
            else
                throw new SopsDecryptionException("INI keys outside a section are not supported");
        }
        return (tree, metadata is null ? null : Unflatten(metadata));
    }

    private static string ReadTripleQuoted(string[] lines, ref int i, string first)
    {
        var value = new StringBuilder();
        var current = first;
        while (true)
        {
            var end = current.IndexOf("\"\"\"", StringComparison.Ordinal);
            if (end >= 0)
                return value.Append(current[..end]).ToString();
            value.Append(current).Append('\n');
            if (++i >= lines.Length)
                throw new SopsDecryptionException("unterminated \"\"\" value in INI input");
            current = lines[i];
        }
    }

    /// <summary>Rebuilds nested metadata from flattened keys such as <c>pgp__list_0__map_enc</c>.</summary>
    private static JsonObject Unflatten(IEnumerable<(string Key, string Value)> entries)
    {
        var root = new JsonObject();
        foreach (var (key, value) in entries)
        {
            var parts = FlatSeparator().Split(key);
            JsonNode container = root;
            var segment = (List: false, Name: parts[0]);
            for (var i = 1; i < parts.Length; i += 2)
            {
                var next = (List: parts[i] == "list", Name: parts[i + 1]);
                container = Child(container, segment, next.List);
                segment = next;
            }
            Set(container, segment, JsonValue.Create(value));
        }
        return root;
    }

    private static JsonNode Child(JsonNode container, (bool List, string Name) segment, bool list)
    {
        var existing = Get(container, segment);
        if (existing is not null)
            return existing;
        JsonNode created = list ? new JsonArray() : new JsonObject();
        Set(container, segment, created);
        return created;
    }

    private static JsonNode? Get(JsonNode container, (bool List, string Name) segment)
    {
        if (container is JsonObject obj)
            return obj[segment.Name];
        var array = (JsonArray)container;
        var index = int.Parse(segment.Name, System.Globalization.CultureInfo.InvariantCulture);
        return index < array.Count ? array[index] : null;
    }

    private static void Set(JsonNode container, (bool List, string Name) segment, JsonNode value)
    {
        if (container is JsonObject obj)
        {
            obj[segment.Name] = value;
            return;
        }
        var array = (JsonArray)container;
        var index = int.Parse(segment.Name, System.Globalization.CultureInfo.InvariantCulture);
        while (array.Count <= index)
            array.Add(null);
        array[index] = value;
    }

    [GeneratedRegex("__(list|map)_")]
    private static partial Regex FlatSeparator();

    private static readonly JsonSerializerOptions JsonOutput = new()
    {
        WriteIndented = true,
        IndentCharacter = '\t',
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Emit(JsonObject tree, SopsFormat format)
    {
        var text = format switch
        {
            SopsFormat.Yaml => ApiYaml.Write(tree),
            SopsFormat.Json => tree.ToJsonString(JsonOutput) + "\n",
            SopsFormat.Dotenv => EmitDotenv(tree),
            SopsFormat.Ini => EmitIni(tree),
            _ => Scalar(tree["data"]) ?? throw new SopsDecryptionException("a binary document needs a single 'data' value"),
        };
        return Encoding.UTF8.GetBytes(text);
    }

    private static string EmitDotenv(JsonObject tree)
    {
        var output = new StringBuilder();
        foreach (var (key, value) in tree)
        {
            var text = Scalar(value) ?? throw new SopsDecryptionException($"cannot write the nested value at '{key}' as dotenv");
            output.Append(key).Append('=').Append(text.Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        }
        return output.ToString();
    }

    private static string EmitIni(JsonObject tree)
    {
        var sections = new List<string>();
        foreach (var (name, node) in tree)
        {
            if (node is not JsonObject section)
                throw new SopsDecryptionException($"cannot write the value at '{name}' as INI: it is not a section");
            var width = section.Select(kv => kv.Key.Length).DefaultIfEmpty(0).Max();
            var output = new StringBuilder().Append('[').Append(name).Append("]\n");
            foreach (var (key, value) in section)
            {
                var text = Scalar(value) ?? throw new SopsDecryptionException($"cannot write the nested value at '{name}:{key}' as INI");
                output.Append(key.PadRight(width)).Append(" = ").Append(text).Append('\n');
            }
            sections.Add(output.ToString());
        }
        return string.Join("\n", sections);
    }

    private static string? Scalar(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.GetValueKind() is JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() is JsonValueKind.False => "false",
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
