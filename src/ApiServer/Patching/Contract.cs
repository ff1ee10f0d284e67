// CONTRACT between the API server core and the patch library (to be replaced by the real implementation).
// The core stores every object as a System.Text.Json.Nodes.JsonObject and calls these entry points.
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

public sealed record FieldConflict(string Manager, string Field);

/// <summary>The result of a server-side apply: the merged object (managedFields updated) or the conflicts.</summary>
public sealed record ApplyOutcome(JsonObject? Result, IReadOnlyList<FieldConflict> Conflicts);

/// <summary>Server-side apply (application/apply-patch+yaml) and managedFields bookkeeping in FieldsV1 format.</summary>
public static class ServerSideApply
{
    /// <summary>Applies <paramref name="config"/> as <paramref name="manager"/> onto <paramref name="live"/> (null: create).
    /// Fields owned by other managers with a different value conflict unless <paramref name="force"/>; with force they
    /// move to this manager. Fields this manager applied before but not now are removed unless another manager owns them.
    /// Lists merge by their merge keys (built-in kinds; for others by x-kubernetes-list-map-keys is out of scope: atomic).
    /// <paramref name="subresource"/> is "status" for /status applies, else null.</summary>
    public static ApplyOutcome Apply(JsonObject? live, JsonObject config, string manager, bool force,
        string apiVersion, string kind, DateTimeOffset now, string? subresource) =>
        throw new NotImplementedException("patch library: not built yet");

    /// <summary>Records a non-apply write (create, update, patch) by <paramref name="manager"/>: the fields whose value it
    /// set or changed become its own (operation Update) and leave other managers' sets. Writes managedFields into
    /// <paramref name="updated"/>.</summary>
    public static void RecordUpdate(JsonObject? old, JsonObject updated, string manager, string apiVersion,
        DateTimeOffset now, string? subresource) =>
        throw new NotImplementedException("patch library: not built yet");
}
