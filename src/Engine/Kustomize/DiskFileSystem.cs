namespace Tide.Engine.Kustomize;

public sealed class DiskFileSystem : IWritableFileTree
{
    public static DiskFileSystem Instance { get; } = new();

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    public string Normalize(string path) => Path.GetFullPath(path).Replace('\\', '/').TrimEnd('/') is { Length: > 0 } p ? p : "/";

    public string RealPath(string path)
    {
        var result = "/";
        foreach (var part in Normalize(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(result, part);
            result = new FileInfo(next).LinkTarget is null
                ? next
                : Normalize(new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next);
        }
        return result;
    }

    public IEnumerable<string> EnumerateFiles(string directory) => Directory.EnumerateFiles(directory).Select(Normalize);

    public IEnumerable<string> EnumerateDirectories(string directory) => Directory.EnumerateDirectories(directory).Select(Normalize);

    public void WriteAllBytes(string path, byte[] content) => File.WriteAllBytes(path, content);

    public void DeleteFile(string path) => File.Delete(path);
}
