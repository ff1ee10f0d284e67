namespace Tide.Engine.Kustomize;

/// <summary>
/// One build's writable view of a shared, read-only tree: writes and deletions stay in this view, so many builds can
/// share one unpacked artifact and none sees another's overlay or decrypted files. Changes are kept by the path as
/// normalized (lexically, symlinks not followed), the spelling every reader of a build uses for the file it wrote.
/// </summary>
public sealed class CopyOnWriteFileTree(IFileTree shared) : IWritableFileTree
{
    /// <summary>Files written (content) or deleted (null) in this view, by normalized path.</summary>
    private readonly Dictionary<string, byte[]?> _changes = new(StringComparer.Ordinal);

    public string Normalize(string path) => shared.Normalize(path);

    public bool FileExists(string path) =>
        _changes.TryGetValue(Normalize(path), out var changed) ? changed is not null : shared.FileExists(path);

    public bool DirectoryExists(string path) => shared.DirectoryExists(path);

    public byte[] ReadAllBytes(string path) =>
        _changes.TryGetValue(Normalize(path), out var changed)
            ? changed ?? throw new FileNotFoundException($"Could not find file '{path}'.", path)
            : shared.ReadAllBytes(path);

    public IEnumerable<string> EnumerateFiles(string directory)
    {
        var normalized = Normalize(directory);
        var added = _changes.Where(c => c.Value is not null && FileTrees.Parent(c.Key) == normalized).Select(c => c.Key);
        return shared.EnumerateFiles(normalized).Where(f => !_changes.ContainsKey(f)).Concat(added).ToList();
    }

    public IEnumerable<string> EnumerateDirectories(string directory) => shared.EnumerateDirectories(directory);

    public void WriteAllBytes(string path, byte[] content)
    {
        var normalized = Normalize(path);
        if (!DirectoryExists(FileTrees.Parent(normalized)))
            throw new DirectoryNotFoundException($"Could not find a part of the path '{path}'.");
        _changes[normalized] = content;
    }

    public void DeleteFile(string path) => _changes[Normalize(path)] = null;
}
