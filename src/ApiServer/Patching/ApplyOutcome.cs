using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>The result of a server-side apply: the merged object (managedFields updated) or the conflicts.</summary>
public sealed record ApplyOutcome(JsonObject? Result, IReadOnlyList<FieldConflict> Conflicts);
