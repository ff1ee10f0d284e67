using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>One inventory entry: id "&lt;namespace&gt;_&lt;name&gt;_&lt;group&gt;_&lt;kind&gt;" and the API version.</summary>
public sealed record ResourceRef
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("v")]
    public required string Version { get; init; }
}
