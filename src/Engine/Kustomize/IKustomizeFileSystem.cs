namespace Tide.Engine.Kustomize;

/// <summary>The files a build reads. Paths are absolute, with '/' separators.</summary>
public interface IKustomizeFileSystem
{
    bool FileExists(string path);

    bool DirectoryExists(string path);

    byte[] ReadAllBytes(string path);

    /// <summary>The absolute, normalized form of a path (no "." or ".." segments).</summary>
    string Normalize(string path);

    /// <summary>The path with symbolic links resolved, where the file system has them (kustomize's load restrictor
    /// judges where a file really is); by default the normalized path.</summary>
    string RealPath(string path) => Normalize(path);
}
