using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tide.Engine.HelmReleases;

/// <summary>Helm's storage encoding of a release: JSON, gzipped, base64 (the Secret's data.release holds that text,
/// so on the wire it is base64 twice); and Go's RFC 3339 times.</summary>
public static class ReleaseCodec
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Encode(Release release)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(release, Json);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(json);
        return Convert.ToBase64String(buffer.ToArray());
    }

    /// <exception cref="FormatException">Not a release Helm wrote.</exception>
    public static Release Decode(string encoded)
    {
        try
        {
            var bytes = Convert.FromBase64String(encoded);
            // Helm reads both gzipped and plain JSON (releases written by Helm 2's converter).
            if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                bytes = plain.ToArray();
            }
            return JsonSerializer.Deserialize<Release>(bytes, Json) ?? throw new FormatException("empty release");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new FormatException($"cannot decode the stored release: {e.Message}", e);
        }
    }

    /// <summary>A time as Go's time.Time marshals to JSON (RFC 3339, nanoseconds without trailing zeros).</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + "Z";

    /// <summary>Reads a Go time (fractions beyond .NET's 100 ns are dropped).</summary>
    public static DateTimeOffset ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return DateTimeOffset.UnixEpoch;
        var dot = text.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
                end++;
            var fraction = text[(dot + 1)..end];
            text = text[..(dot + 1)] + (fraction.Length > 7 ? fraction[..7] : fraction) + text[end..];
        }
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

}
