using System.Text.Json.Nodes;

namespace Tide.ApiServer.Storage;

/// <summary>One write of a transaction: the object to store, or (Deleted) the final state of a removed object.</summary>
internal sealed record StoreChange(string Storage, string Key, JsonObject Object, bool Deleted);
