using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Tide.Engine.Helm.Functions;
using Tide.Engine.Helm.Yaml;

namespace Tide.Engine.Helm.Charts;

/// <summary>Loads a chart from a directory or a packaged .tgz, as Helm's loader does (.helmignore applies to the
/// top-level chart's files; subcharts come from charts/ as directories or archives).</summary>
public static class ChartLoader
{
    public static Chart Load(string path)
    {
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            // Helm sniffs the content type before it unpacks anything.
            if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
            {
                var full = Path.GetFullPath(path);
                throw new ChartException(full.EndsWith(".yml", StringComparison.Ordinal) || full.EndsWith(".yaml", StringComparison.Ordinal)
                    ? $"file '{full}' seems to be a YAML file, but expected a gzipped archive"
                    : $"file '{full}' does not appear to be a gzipped archive; got '{ContentType(bytes)}'");
            }
            return LoadArchive(bytes);
        }
        if (!Directory.Exists(path))
            throw new ChartException($"path \"{path}\" not found");
        return LoadFiles(ReadDirectory(path));
    }

    private static List<ChartFile> ReadDirectory(string root)
    {
        var ignorePath = Path.Combine(root, ".helmignore");
        var rules = HelmIgnore.Parse(File.Exists(ignorePath) ? File.ReadAllText(ignorePath) : null);
        var files = new List<ChartFile>();
        Walk(root, "", rules, files);
        return files;
    }

    private static void Walk(string root, string rel, HelmIgnore rules, List<ChartFile> files)
    {
        var dir = rel.Length == 0 ? root : Path.Combine(root, rel);
        var entries = Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal);
        foreach (var name in entries)
        {
            var childRel = rel.Length == 0 ? name! : rel + "/" + name;
            var full = Path.Combine(root, childRel);
            if (Directory.Exists(full))
            {
                if (!rules.Ignored(childRel, isDir: true))
                    Walk(root, childRel, rules, files);
                continue;
            }
            if (rules.Ignored(childRel, isDir: false))
                continue;
            files.Add(new ChartFile(childRel, File.ReadAllBytes(full)));
        }
    }

    /// <summary>Go's http.DetectContentType for what a chart archive is not: text, or bytes. Helm sniffs a
    /// 512-byte buffer, so a shorter file is padded with zero bytes and reads as binary.</summary>
    private static string ContentType(byte[] bytes)
    {
        var head = new byte[512];
        bytes.AsSpan(0, Math.Min(bytes.Length, 512)).CopyTo(head);
        foreach (var b in head)
            if (b is < 0x20 and not (0x09 or 0x0a or 0x0c or 0x0d or 0x1b))
                return "application/octet-stream";
        return "text/plain; charset=utf-8";
    }

    public static Chart LoadArchive(byte[] tgz)
    {
        try
        {
            return LoadFiles(Unpack(tgz));
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new ChartException($"unable to load chart archive: {e.Message}");
        }
    }

    private static List<ChartFile> Unpack(byte[] tgz)
    {
        var files = new List<ChartFile>();
        using var gz = new GZipStream(new MemoryStream(tgz), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                continue;
            var parts = entry.Name.Replace('\\', '/').Split('/', 2);
            if (parts.Length < 2)
                continue;
            using var ms = new MemoryStream();
            entry.DataStream.CopyTo(ms);
            files.Add(new ChartFile(parts[1], ms.ToArray()));
        }
        return files;
    }

    public static Chart LoadFiles(List<ChartFile> files)
    {
        Dictionary<string, object?>? metadata = null;
        Dictionary<string, object?> values = [];
        string? schema = null;
        List<object?>? requirements = null;
        var templates = new List<ChartFile>();
        var other = new List<ChartFile>();
        var subcharts = new Dictionary<string, List<ChartFile>>(StringComparer.Ordinal);
        var subchartOrder = new List<string>();
        foreach (var f in files)
        {
            switch (f.Name)
            {
                case "Chart.yaml":
                    metadata = ParseMap(f) ?? throw new ChartException("Chart.yaml is empty");
                    continue;
                case "values.yaml":
                    values = ParseMap(f) ?? [];
                    continue;
                case "values.schema.json":
                    schema = Encoding.UTF8.GetString(f.Data);
                    continue;
                case "requirements.yaml":
                    requirements = ParseMap(f)?.GetValueOrDefault("dependencies") as List<object?>;
                    other.Add(f);
                    continue;
                case "Chart.lock" or "requirements.lock":
                    other.Add(f);
                    continue;
            }
            if (f.Name.StartsWith("templates/", StringComparison.Ordinal))
            {
                templates.Add(f);
            }
            else if (f.Name.StartsWith("charts/", StringComparison.Ordinal))
            {
                if (f.Name.EndsWith(".prov", StringComparison.Ordinal))
                {
                    other.Add(f);
                    continue;
                }
                var rest = f.Name["charts/".Length..];
                var cname = rest.Split('/', 2)[0];
                if (!subcharts.TryGetValue(cname, out var list))
                {
                    subcharts[cname] = list = [];
                    subchartOrder.Add(cname);
                }
                list.Add(f with { Name = rest });
            }
            else
            {
                other.Add(f);
            }
        }
        if (metadata is null)
            throw new ChartException("Chart.yaml file is missing");
        if (requirements is not null && (!metadata.TryGetValue("apiVersion", out var api) || api as string == "v1"))
            metadata["dependencies"] = requirements;
        var chart = new Chart
        {
            Metadata = new ChartMetadata(metadata),
            Values = values,
            Schema = schema,
            Templates = templates,
            Files = other,
        };
        if (string.IsNullOrEmpty(chart.Metadata.Name))
            throw new ChartException("validation: chart.metadata.name is required");
        foreach (var cname in subchartOrder)
        {
            var group = subcharts[cname];
            Chart sub;
            if (group.Count == 1 && group[0].Name == cname && cname.EndsWith(".tgz", StringComparison.Ordinal))
                sub = LoadArchive(group[0].Data);
            else if (group.All(g => g.Name.Contains('/')))
                sub = LoadFiles(group.Select(g => g with { Name = g.Name.Split('/', 2)[1] }).ToList());
            else
                continue;
            sub.Parent = chart;
            chart.Dependencies.Add(sub);
        }
        return chart;
    }

    // Chart.yaml and values.yaml of a chart are loaded again on every reconcile of the same artifact; their parse is
    // memoized by text and handed out as a deep copy, since values maps are mutated downstream.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<string, object?>> Parsed = new(StringComparer.Ordinal);
    private const int ParsedLimit = 512;

    private static Dictionary<string, object?>? ParseMap(ChartFile f)
    {
        try
        {
            if (Parsed.TryGetValue(f.Text, out var cached))
                return (Dictionary<string, object?>)GoCast.DeepCopy(cached)!;
            var map = GoYaml.Parse(f.Text) switch
            {
                null => null,
                Dictionary<string, object?> m => m,
                _ => throw new ChartException($"cannot load {f.Name}: not a map"),
            };
            if (map is null)
                return null;
            if (Parsed.Count > ParsedLimit)
                Parsed.Clear();
            Parsed[f.Text] = (Dictionary<string, object?>)GoCast.DeepCopy(map)!;
            return map;
        }
        catch (FormatException e)
        {
            throw new ChartException($"cannot load {f.Name}: error converting YAML to JSON: {e.Message}");
        }
    }
}
