namespace Tide.Engine.Kustomize;

/// <summary>
/// A tree of files a whole build reads: what kustomize reads, plus listing a directory (Flux's generated
/// kustomization, plain-YAML paths, decryption inputs). Paths are absolute, with '/' separators.
/// </summary>
public interface IFileTree : IKustomizeFileSystem
{
    /// <summary>The files directly in <paramref name="directory"/> (a symlink counts as what it points to), as full paths.</summary>
    IEnumerable<string> EnumerateFiles(string directory);

    /// <summary>The sub-directories directly in <paramref name="directory"/>, as full paths.</summary>
    IEnumerable<string> EnumerateDirectories(string directory);
}
