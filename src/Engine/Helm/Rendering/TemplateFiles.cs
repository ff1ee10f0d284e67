using System.Text;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Template;
using Tide.Engine.Helm.Yaml;

namespace Tide.Engine.Helm.Rendering;

/// <summary>.Files: Helm's `files` map (path to bytes) with Get, GetBytes, Glob, Lines, AsConfig and AsSecrets.</summary>
public sealed class TemplateFiles : IGoMap
{
    private readonly SortedDictionary<string, byte[]> _files;

    public TemplateFiles(IEnumerable<ChartFile> files)
    {
        _files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var f in files)
            _files[f.Name] = f.Data;
    }

    private TemplateFiles(SortedDictionary<string, byte[]> files)
    {
        _files = files;
    }

    public string GoType => "engine.files";

    public IReadOnlyList<KeyValuePair<string, object?>> SortedEntries =>
        _files.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).ToList();

    public bool TryGetEntry(string key, out object? value)
    {
        var found = _files.TryGetValue(key, out var bytes);
        value = bytes;
        return found;
    }

    public bool TryGetMember(string name, object?[] args, out object? value)
    {
        value = null;
        switch (name)
        {
            case "Get":
                value = _files.TryGetValue(Arg(args, name), out var b) ? Encoding.UTF8.GetString(b) : "";
                return true;
            case "GetBytes":
                value = _files.TryGetValue(Arg(args, name), out var bytes) ? bytes : Array.Empty<byte>();
                return true;
            case "Glob":
                var pattern = Arg(args, name);
                var matched = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var (k, v) in _files)
                    if (GoGlob.FilesMatch(pattern, k))
                        matched[k] = v;
                value = new TemplateFiles(matched);
                return true;
            case "Lines":
                value = Lines(Arg(args, name));
                return true;
            case "AsConfig":
                value = GoYaml.ToYaml(_files.ToDictionary(kv => Path.GetFileName(kv.Key), kv => (object?)Encoding.UTF8.GetString(kv.Value)));
                return true;
            case "AsSecrets":
                value = GoYaml.ToYaml(_files.ToDictionary(kv => Path.GetFileName(kv.Key), kv => (object?)Convert.ToBase64String(kv.Value)));
                return true;
        }
        return false;
    }

    private List<object?> Lines(string path)
    {
        if (!_files.TryGetValue(path, out var b) || b.Length == 0)
            return [];
        var s = Encoding.UTF8.GetString(b);
        if (s.EndsWith('\n'))
            s = s[..^1];
        return s.Split('\n').Select(x => (object?)x).ToList();
    }

    private static string Arg(object?[] args, string method)
    {
        if (args.Length != 1)
            throw new FunctionException($"wrong number of args for {method}: want 1 got {args.Length}");
        return args[0] as string ?? throw new FunctionException($"wrong type for value; expected string; got {GoValue.TypeName(args[0])}");
    }
}
