using System.Text.Json.Nodes;

namespace Tide.Engine.Kube;

/// <summary>The items of a list and the collection's resourceVersion (where a watch continues from).</summary>
public sealed record ObjectList(IReadOnlyList<JsonObject> Items, string ResourceVersion);
