namespace Tide.ApiServer.Patching;

/// <summary>Server-side apply's view of a list (x-kubernetes-list-type).</summary>
internal enum ListType
{
    /// <summary>Replaced as a whole and owned as one field.</summary>
    Atomic,

    /// <summary>A set of scalars; each value is owned on its own (<c>v:</c> in FieldsV1).</summary>
    Set,

    /// <summary>Items identified by key fields; each item is owned on its own (<c>k:</c> in FieldsV1).</summary>
    Map,
}
