using System.Text.Json.Nodes;

namespace Tide.ApiServer.Http;

/// <summary>A Table column: its definition and how a cell is computed from the object (priority 1: `-o wide` only).</summary>
internal sealed record TableColumn(string Name, string Type, int Priority, Func<JsonObject, JsonNode?> Cell, string Format = "");
