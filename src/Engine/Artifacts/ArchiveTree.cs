using Tide.Engine.Kustomize;

namespace Tide.Engine.Artifacts;

/// <summary>
/// An unpacked artifact held in memory (<see cref="TarballUnpacker.UnpackToMemoryAsync"/>), rooted at "/". It never
/// changes once built, so builds of many Kustomizations share it (each writes through a
/// <see cref="CopyOnWriteFileTree"/>). Symlinks resolve as on disk: a symlinked file reads as its target, a symlinked
/// directory lists as its target; a dangling link is neither.
/// </summary>
public sealed class ArchiveTree : IFileTree
{
    /// <summary>Linux gives up after this many symlinks in one lookup (ELOOP).</summary>
    private const int MaxLinkHops = 40;

    /// <summary>An estimate of what one entry costs besides its content (its path, node and dictionary slot).</summary>
    private const int EntryOverheadBytes = 256;

    /// <summary>Every entry by its path relative to the root ("" is the root).</summary>
    private readonly Dictionary<string, Node> _nodes;

    private ArchiveTree(Dictionary<string, Node> nodes, long contentBytes)
    {
        _nodes = nodes;
        SizeBytes = contentBytes + (long)nodes.Count * EntryOverheadBytes;
    }

    /// <summary>About how much memory the tree holds.</summary>
    public long SizeBytes { get; }

    public string Normalize(string path) => FileTrees.NormalizeLexically(path);

    /// <summary>A file, or as File.Exists has it on disk, a symlink that leads nowhere (reading it fails).</summary>
    public bool FileExists(string path) => Resolve(_nodes, Relative(path)) switch
    {
        { Node: FileNode } => true,
        null => IsDanglingLink(Normalize(path)),
        _ => false,
    };

    public bool DirectoryExists(string path) => Resolve(_nodes, Relative(path)) is { Node: DirectoryNode };

    /// <summary>The file's bytes; shared by every reader, so they must not be modified.</summary>
    public byte[] ReadAllBytes(string path) => Resolve(_nodes, Relative(path)) switch
    {
        { Node: FileNode file } => file.Content,
        { Node: DirectoryNode } => throw new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        _ => throw new FileNotFoundException($"Could not find file '{path}'.", path),
    };

    /// <summary>Files, and as Directory.EnumerateFiles lists them, symlinks that lead nowhere (reading one fails).</summary>
    public IEnumerable<string> EnumerateFiles(string directory) =>
        Children(directory).Where(c => c.Node is FileNode or null).Select(c => c.Path).ToList();

    /// <summary>Sub-directories, symlinked ones included, except a symlink back to a directory on the way to
    /// <paramref name="directory"/>: that loop would make a recursive walk endless.</summary>
    public IEnumerable<string> EnumerateDirectories(string directory)
    {
        var relative = Relative(directory);
        var onTheWay = new HashSet<string>(StringComparer.Ordinal) { "" };
        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i <= segments.Length; i++)
            if (Resolve(_nodes, string.Join('/', segments[..i])) is { } prefix)
                onTheWay.Add(prefix.Path);
        return Children(directory)
            .Where(c => c.Node is DirectoryNode && !onTheWay.Contains(c.Resolved!))
            .Select(c => c.Path).ToList();
    }

    /// <summary>The entries of a directory: the path each is listed under, its node after symlinks (null: a symlink
    /// that leads nowhere), and where that node really is.</summary>
    private IEnumerable<(string Path, Node? Node, string? Resolved)> Children(string directory)
    {
        var normalized = Normalize(directory);
        if (Resolve(_nodes, Relative(normalized)) is not { Node: DirectoryNode dir })
            throw new DirectoryNotFoundException($"Could not find a part of the path '{directory}'.");
        foreach (var name in dir.Children)
        {
            var path = FileTrees.Combine(normalized, name);
            var child = Resolve(_nodes, Relative(path));
            yield return (path, child?.Node, child?.Path);
        }
    }

    private string Relative(string path) => Normalize(path)[1..];

    private bool IsDanglingLink(string normalized) =>
        normalized != "/" && Resolve(_nodes, Relative(FileTrees.Parent(normalized))) is { Node: DirectoryNode } parent &&
        _nodes.GetValueOrDefault(FileTrees.Combine("/" + parent.Path, Path.GetFileName(normalized))[1..]) is LinkNode;

    /// <summary>Walks a path segment by segment, following symlinks; null when it leads nowhere.</summary>
    private static (string Path, Node Node)? Resolve(Dictionary<string, Node> nodes, string relative)
    {
        var hops = 0;
        return Resolve(nodes, relative, ref hops);
    }

    private static (string Path, Node Node)? Resolve(Dictionary<string, Node> nodes, string relative, ref int hops)
    {
        var current = "";
        var node = nodes[""];
        foreach (var segment in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not DirectoryNode)
                return null;
            var next = current.Length == 0 ? segment : current + "/" + segment;
            if (!nodes.TryGetValue(next, out var child))
                return null;
            if (child is LinkNode link)
            {
                if (++hops > MaxLinkHops || Resolve(nodes, link.Target, ref hops) is not { } target)
                    return null;
                (next, child) = target;
            }
            current = next;
            node = child;
        }
        return (current, node);
    }

    private abstract record Node;

    private sealed record FileNode(byte[] Content) : Node;

    /// <summary>Names of the entries directly in the directory.</summary>
    private sealed record DirectoryNode(List<string> Children) : Node;

    /// <summary>A symlink; its target is relative to the root (the unpacker checked it stays inside).</summary>
    private sealed record LinkNode(string Target) : Node;

    /// <summary>Collects the entries the unpacker accepts; like a file system, refuses to put an entry where one is.</summary>
    internal sealed class Builder : IUnpackTarget
    {
        private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal) { [""] = new DirectoryNode([]) };
        private long _contentBytes;

        public ArchiveTree Build() => new(_nodes, _contentBytes);

        public void CreateDirectory(string relative) => EnsureDirectory(relative);

        public async Task WriteFileAsync(string relative, Stream? content, long length, UnixFileMode mode, CancellationToken cancellationToken)
        {
            var bytes = new byte[length];
            if (content is not null)
                await content.ReadExactlyAsync(bytes, cancellationToken);
            Add(relative, new FileNode(bytes));
            _contentBytes += length;
        }

        public void CreateSymlink(string relative, string linkName, string target) => Add(relative, new LinkNode(target));

        public bool IsFile(string relative) => Resolve(_nodes, relative) is { Node: FileNode };

        public void CopyFile(string fromRelative, string toRelative) =>
            Add(toRelative, (FileNode)Resolve(_nodes, fromRelative)!.Value.Node);

        private void Add(string relative, Node node)
        {
            var parent = EnsureDirectory(FileTrees.Parent("/" + relative)[1..]);
            if (!_nodes.TryAdd(relative, node))
                throw new IOException($"The file '{relative}' already exists.");
            parent.Children.Add(relative[(relative.LastIndexOf('/') + 1)..]);
        }

        private DirectoryNode EnsureDirectory(string relative)
        {
            if (_nodes.TryGetValue(relative, out var existing))
                return existing as DirectoryNode ?? throw new IOException($"The file '{relative}' already exists.");
            var created = new DirectoryNode([]);
            Add(relative, created);
            return created;
        }
    }
}
