namespace Tide.Engine.Kustomize;

public sealed class DiskFileSystem : IKustomizeFileSystem
{
    public static DiskFileSystem Instance { get; } = new();

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    public string Normalize(string path) => Path.GetFullPath(path).Replace('\\', '/').TrimEnd('/') is { Length: > 0 } p ? p : "/";
}
