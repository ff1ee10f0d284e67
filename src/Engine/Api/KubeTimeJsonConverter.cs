using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>
/// metav1.Time: RFC 3339 in UTC with whole seconds ("2024-05-01T10:00:00Z"), which is what Kubernetes stores and what
/// kubectl and Flux print. Reading accepts any RFC 3339 offset and fraction.
/// </summary>
public sealed class KubeTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            throw new JsonException($"invalid RFC 3339 time \"{text}\"");
        return time;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToText(value));

    public static string ToText(DateTimeOffset value) =>
        value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);
}
