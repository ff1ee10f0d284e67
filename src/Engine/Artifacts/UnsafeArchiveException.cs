namespace Tide.Engine.Artifacts;

/// <summary>An archive was refused because an entry could harm the host or breaks a limit; names the entry.</summary>
public sealed class UnsafeArchiveException(string entryName, string reason)
    : Exception($"refusing archive entry '{entryName}': {reason}")
{
    public string EntryName { get; } = entryName;
}
