using System.Text;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>
/// Reads files for one kustomization directory. Files must lie in or below that directory (kustomize's
/// LoadRestrictionsRootOnly, kubectl's default) or, with a load boundary, anywhere below the boundary (Flux builds with
/// LoadRestrictionsNone inside the artifact); directories may be anywhere, but a directory may not include itself.
/// </summary>
public sealed class KustomizationLoader
{
    private readonly IReadOnlyList<string> _ancestors;
    private readonly string? _boundary;

    /// <param name="boundary">Files may be read anywhere below it; null: only below <paramref name="root"/>.</param>
    public KustomizationLoader(IKustomizeFileSystem fileSystem, string root, IReadOnlyList<string>? ancestors = null,
        string? boundary = null)
    {
        FileSystem = fileSystem;
        Root = fileSystem.Normalize(root);
        _ancestors = ancestors ?? [];
        _boundary = boundary is null ? null : fileSystem.Normalize(boundary);
    }

    public IKustomizeFileSystem FileSystem { get; }

    public string Root { get; }

    public string Resolve(string relative) =>
        FileSystem.Normalize(relative.StartsWith('/') ? relative : Root + "/" + relative);

    public static bool IsRemote(string path) =>
        path.Contains("://") || path.StartsWith("github.com/", StringComparison.Ordinal) ||
        path.StartsWith("git@", StringComparison.Ordinal) || path.StartsWith("gitlab.com/", StringComparison.Ordinal) ||
        path.StartsWith("bitbucket.org/", StringComparison.Ordinal);

    public byte[] LoadBytes(string relative)
    {
        if (IsRemote(relative))
            throw new KustomizeException(
                $"remote resource '{relative}' is not supported: Tide builds only local kustomizations (vendor the base into the source)");
        var path = Resolve(relative);
        var limit = _boundary ?? Root;
        if (!IsWithin(path, limit) || !IsWithin(FileSystem.RealPath(path), FileSystem.RealPath(limit)))
            throw new KustomizeException($"security; file '{path}' is not in or below '{limit}'");
        if (FileSystem.DirectoryExists(path) && !FileSystem.FileExists(path))
            throw new KustomizeException($"'{path}' must be a file");
        if (!FileSystem.FileExists(path))
            throw new KustomizeException($"'{path}' doesn't exist");
        return FileSystem.ReadAllBytes(path);
    }

    /// <summary>A YAML file's text; not valid UTF-8 is an error, as in go-yaml.</summary>
    public string LoadText(string relative) => DecodeUtf8(LoadBytes(relative), relative);

    private static string DecodeUtf8(byte[] bytes, string source)
    {
        try
        {
            return BoundedParser.DecodeUtf8(bytes);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw YamlReader.Malformed(e, source);
        }
    }

    /// <summary>A loader for a sub-directory (a base or component).</summary>
    public KustomizationLoader ForDirectory(string relative)
    {
        if (IsRemote(relative))
            throw new KustomizeException(
                $"remote resource '{relative}' is not supported: Tide builds only local kustomizations (vendor the base into the source)");
        var path = Resolve(relative);
        if (!FileSystem.DirectoryExists(path))
            throw new KustomizeException($"must build at directory: not a valid directory: evalsymlink failure on '{path}' : lstat {path}: no such file or directory");
        if (path == Root || _ancestors.Contains(path))
            throw new KustomizeException($"cycle detected: candidate root '{path}' contains visited root '{Root}'");
        return new KustomizationLoader(FileSystem, path, [.. _ancestors, Root], _boundary);
    }

    /// <summary>Reads the directory's kustomization file (exactly one of the recognized names).</summary>
    public (Kustomization Kustomization, string FileName) LoadKustomization()
    {
        var found = Kustomization.FileNames.Where(n => FileSystem.FileExists(Root + "/" + n)).ToList();
        if (found.Count == 0)
            throw new KustomizeException(
                $"unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{Root}'");
        if (found.Count > 1)
            throw new KustomizeException($"Found multiple kustomization files under: {Root}\n");
        var text = DecodeUtf8(FileSystem.ReadAllBytes(Root + "/" + found[0]), Root + "/" + found[0]);
        return (Kustomization.Parse(text, Root + "/" + found[0]), found[0]);
    }

    private static bool IsWithin(string path, string root) =>
        path == root || path.StartsWith(root == "/" ? "/" : root + "/", StringComparison.Ordinal);

    /// <summary>Parses manifests: every non-empty document, `kind: List` expanded into its items.</summary>
    public static List<Resource> ParseResources(string text, string source)
    {
        var result = new List<Resource>();
        foreach (var doc in YamlReader.ReadDocuments(text, source))
        {
            if (doc is null)
                continue;
            if (doc is not YMapping map)
                throw new KustomizeException($"missing Resource metadata in {source}");
            if (map.GetString("kind") is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && map["items"] is YSequence items)
            {
                foreach (var item in items.Items.OfType<YMapping>())
                    result.Add(new Resource(item));
                continue;
            }
            if (map.Count == 0)
                continue;
            if (map.GetString("kind") is null)
                throw new KustomizeException($"missing Resource metadata: kind is required in {source}");
            result.Add(new Resource(map));
        }
        return result;
    }
}
