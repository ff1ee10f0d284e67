using System.Text;

namespace Tide.Engine.Kustomize;

/// <summary>Files held in memory (Flux's generated overlay, tests). Directories exist where files are below them.</summary>
public sealed class InMemoryFileSystem : IKustomizeFileSystem
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public InMemoryFileSystem Add(string path, string content) => Add(path, Encoding.UTF8.GetBytes(content));

    public InMemoryFileSystem Add(string path, byte[] content)
    {
        _files[Normalize(path)] = content;
        return this;
    }

    public bool FileExists(string path) => _files.ContainsKey(Normalize(path));

    public bool DirectoryExists(string path)
    {
        var prefix = Normalize(path).TrimEnd('/') + "/";
        return _files.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
    }

    public byte[] ReadAllBytes(string path) =>
        _files.TryGetValue(Normalize(path), out var content) ? content : throw new FileNotFoundException(path);

    public string Normalize(string path) => FileTrees.NormalizeLexically(path);
}
