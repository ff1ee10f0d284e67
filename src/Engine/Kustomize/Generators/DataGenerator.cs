using System.Text;
using Tide.Engine.Kustomize.Build;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Generators;

/// <summary>
/// configMapGenerator / secretGenerator: builds a ConfigMap or Secret from literals, env files and files,
/// with generatorOptions merged into the entry's own options.
/// </summary>
public sealed class DataGenerator(YMapping args, YMapping? globalOptions, bool isSecret, KustomizationLoader loader)
{
    public Resource Generate()
    {
        var name = args.GetString("name") ?? "";
        var options = args.GetMapping("options");
        var node = new YMapping
        {
            ["apiVersion"] = YNode.Str("v1"),
            ["kind"] = YNode.Str(isSecret ? "Secret" : "ConfigMap"),
        };
        var meta = new YMapping { ["name"] = YNode.Str(name) };
        if (args.GetString("namespace") is { Length: > 0 } ns)
            meta["namespace"] = YNode.Str(ns);
        var labels = MergedMap("labels", options);
        if (labels.Count > 0)
            meta["labels"] = labels;
        var annotations = MergedMap("annotations", options);
        if (annotations.Count > 0)
            meta["annotations"] = annotations;
        node["metadata"] = meta;

        var data = new YMapping();
        var binary = new YMapping();
        foreach (var (key, value) in Pairs())
        {
            if (data[key] is not null || binary[key] is not null)
                throw new KustomizeException(
                    $"configmap {name} illegally repeats the key `{key}`");
            if (isSecret)
                data[key] = YNode.Str(WrappedBase64(value));
            else if (IsValidUtf8(value))
                data[key] = YNode.Str(Encoding.UTF8.GetString(value));
            else
                binary[key] = YNode.Str(WrappedBase64(value));
        }
        if (isSecret)
            node["type"] = YNode.Str(args.GetString("type") is { Length: > 0 } t ? t : "Opaque");
        if (data.Count > 0 || isSecret)
            node["data"] = data;
        if (binary.Count > 0)
            node["binaryData"] = binary;
        if (Flag("immutable", options))
            node["immutable"] = new YScalar("true") { Tag = "!!bool" };

        var resource = new Resource(node)
        {
            NeedsHashSuffix = !Flag("disableNameSuffixHash", options),
            Behavior = (args.GetString("behavior") ?? "") switch
            {
                "merge" => GeneratorBehavior.Merge,
                "replace" => GeneratorBehavior.Replace,
                "create" => GeneratorBehavior.Create,
                // kustomize reads any other word as no behavior, which creates.
                _ => GeneratorBehavior.Unspecified,
            },
        };
        return resource;
    }

    private bool Flag(string key, YMapping? local) =>
        local?.GetString(key) is "true" || globalOptions?.GetString(key) is "true";

    private YMapping MergedMap(string key, YMapping? local)
    {
        var merged = new YMapping();
        foreach (var source in new[] { globalOptions?.GetMapping(key), local?.GetMapping(key) })
            if (source is not null)
                foreach (var e in source.Entries)
                    merged[e.Key] = YNode.Str(e.Value is YScalar s ? s.Value : "");
        return merged;
    }

    private IEnumerable<(string Key, byte[] Value)> Pairs()
    {
        var envs = Strings("envs");
        if (args.GetString("env") is { Length: > 0 } env)
            envs.Add(env);
        foreach (var envFile in envs)
            foreach (var pair in EnvFilePairs(loader.LoadText(envFile)))
                yield return pair;
        foreach (var literal in Strings("literals"))
        {
            var eq = literal.IndexOf('=');
            if (eq < 0)
                throw new KustomizeException($"invalid literal source {literal}, expected key=value");
            yield return (literal[..eq], Encoding.UTF8.GetBytes(RemoveQuotes(literal[(eq + 1)..])));
        }
        foreach (var file in Strings("files"))
        {
            var eq = file.IndexOf('=');
            var (key, path) = eq >= 0 ? (file[..eq], file[(eq + 1)..]) : (Path.GetFileName(file), file);
            if (key.Length == 0)
                throw new KustomizeException($"key names or file paths cannot be empty: {file}");
            yield return (key, loader.LoadBytes(path));
        }
    }

    private static IEnumerable<(string, byte[])> EnvFilePairs(string content)
    {
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r').TrimStart();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var eq = line.IndexOf('=');
            var key = eq >= 0 ? line[..eq] : line;
            var value = eq >= 0 ? line[(eq + 1)..] : Environment.GetEnvironmentVariable(key) ?? "";
            if (key.Length == 0)
                throw new KustomizeException($"invalid env file line \"{line}\": the key is empty");
            yield return (key, Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>kyaml's encoding: base64 broken into 70-character lines, each ending in a newline, once it reaches 70.</summary>
    private static string WrappedBase64(byte[] value)
    {
        const int lineLength = 70;
        var encoded = Convert.ToBase64String(value);
        if (encoded.Length < lineLength)
            return encoded;
        var sb = new StringBuilder();
        for (var i = 0; i < encoded.Length; i += lineLength)
            sb.Append(encoded, i, Math.Min(lineLength, encoded.Length - i)).Append('\n');
        return sb.ToString();
    }

    private static string RemoveQuotes(string s) =>
        s.Length >= 2 && s[0] == s[^1] && s[0] is '"' or '\'' ? s[1..^1] : s;

    private List<string> Strings(string key) =>
        args.GetSequence(key)?.Items.OfType<YScalar>().Select(s => s.Value).ToList() ?? [];

    private static bool IsValidUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
