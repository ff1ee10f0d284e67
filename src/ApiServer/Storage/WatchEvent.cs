namespace Tide.ApiServer.Storage;

/// <summary>ADDED, MODIFIED, DELETED (with the object at that revision, and the state before it, which selector
/// watches need to tell an object entering or leaving the selection) or BOOKMARK (no object).</summary>
internal sealed record WatchEvent(string Type, long ResourceVersion, StoredObject? Object, StoredObject? Previous = null)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
}
