namespace Tide.Engine.Artifacts;

/// <summary>An archive was refused because an entry could harm the host or breaks a limit (the message names the
/// entry), or because the archive as a whole is corrupt or hostile.</summary>
public sealed class UnsafeArchiveException : Exception
{
    public UnsafeArchiveException(string entryName, string reason)
        : base($"refusing archive entry '{entryName}': {reason}") => EntryName = entryName;

    public UnsafeArchiveException(string reason, Exception? inner = null)
        : base($"refusing archive: {reason}", inner)
    {
    }

    /// <summary>The entry refused; null when the archive as a whole is.</summary>
    public string? EntryName { get; }
}
