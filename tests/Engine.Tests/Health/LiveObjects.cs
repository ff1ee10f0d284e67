using System.Text.Json.Nodes;
using Tide.Engine.Health;

namespace Tide.Engine.Tests.Health;

/// <summary>Objects as the API server returns them, written as JSON so each test shows the exact shape.</summary>
internal static class LiveObjects
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-25T04:00:00Z");

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static HealthResult Compute(string json) => Kstatus.Compute(Parse(json), Now);
}
