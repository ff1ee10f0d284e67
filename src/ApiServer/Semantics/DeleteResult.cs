using System.Text.Json.Nodes;

namespace Tide.ApiServer.Semantics;

/// <summary>A deleted object as last stored, and whether it is gone (false: finalizers keep it, deletionTimestamp set).</summary>
internal sealed record DeleteResult(JsonObject Object, bool Removed);
