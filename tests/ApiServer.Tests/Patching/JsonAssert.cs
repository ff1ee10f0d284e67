using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Tests.Patching;

/// <summary>JSON literals written with single quotes (readable in C#) and structural comparison.</summary>
internal static class JsonAssert
{
    public static JsonNode? Parse(string singleQuotedJson) => JsonNode.Parse(singleQuotedJson.Replace('\'', '"'));

    public static JsonObject Object(string singleQuotedJson) => (JsonObject)Parse(singleQuotedJson)!;

    public static JsonArray Array(string singleQuotedJson) => (JsonArray)Parse(singleQuotedJson)!;

    public static void Equal(string expectedSingleQuotedJson, JsonNode? actual) => Equal(Parse(expectedSingleQuotedJson), actual);

    public static void Equal(JsonNode? expected, JsonNode? actual)
    {
        Assert.True(JsonNode.DeepEquals(expected, actual),
            $"expected {expected?.ToJsonString() ?? "null"}{Environment.NewLine}  actual {actual?.ToJsonString() ?? "null"}");
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Compact JSON escaping only what JSON requires, as Kubernetes' examples print it.</summary>
    public static string Text(JsonNode? node) => node?.ToJsonString(Readable) ?? "null";

    /// <summary>Also checks member order and list order, which JsonNode.DeepEquals ignores for objects.</summary>
    public static void Same(string expectedSingleQuotedJson, JsonNode? actual) =>
        Assert.Equal(Parse(expectedSingleQuotedJson)?.ToJsonString(), actual?.ToJsonString());
}
