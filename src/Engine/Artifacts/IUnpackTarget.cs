namespace Tide.Engine.Artifacts;

/// <summary>Where <see cref="TarballUnpacker"/> puts the entries it accepted: a directory on disk or an
/// <see cref="ArchiveTree"/>. Paths are clean, '/'-separated and relative to the archive's root.</summary>
internal interface IUnpackTarget
{
    void CreateDirectory(string relative);

    Task WriteFileAsync(string relative, Stream? content, long length, UnixFileMode mode, CancellationToken cancellationToken);

    /// <param name="linkName">The target as the archive gives it.</param>
    /// <param name="target">The target resolved against the link's directory, relative to the root (checked to be inside).</param>
    void CreateSymlink(string relative, string linkName, string target);

    /// <summary>Whether a file was unpacked at <paramref name="relative"/> (following symlinks, as File.Exists does).</summary>
    bool IsFile(string relative);

    void CopyFile(string fromRelative, string toRelative);
}
