namespace Tide.Engine.Kustomize;

/// <summary>The files a build reads. Paths are absolute, with '/' separators.</summary>
public interface IKustomizeFileSystem
{
    bool FileExists(string path);

    bool DirectoryExists(string path);

    byte[] ReadAllBytes(string path);

    /// <summary>The absolute, normalized form of a path (no "." or ".." segments).</summary>
    string Normalize(string path);
}
