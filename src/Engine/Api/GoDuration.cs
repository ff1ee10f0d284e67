using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>
/// A duration written the way Go's time.Duration and Kubernetes' metav1.Duration write it ("1m", "10m0s", "1h2m3.5s",
/// "500ms"). The text a user wrote is kept, so a manifest round-trips byte for byte; equality compares the length of
/// time only ("1m" equals "60s").
/// </summary>
[JsonConverter(typeof(GoDurationJsonConverter))]
public readonly struct GoDuration : IEquatable<GoDuration>, IComparable<GoDuration>
{
    private readonly string? _text;

    private GoDuration(TimeSpan value, string text)
    {
        Value = value;
        _text = text;
    }

    /// <summary>A duration of the given length, written in Go's canonical form ("1m0s").</summary>
    public GoDuration(TimeSpan value) : this(value, Format(value)) { }

    public TimeSpan Value { get; }

    public static implicit operator TimeSpan(GoDuration duration) => duration.Value;

    public static GoDuration Parse(string text) =>
        TryParse(text, out var duration, out var error) ? duration : throw new FormatException(error);

    public static bool TryParse(string? text, out GoDuration duration) => TryParse(text, out duration, out _);

    /// <summary>Parses Go's syntax: an optional sign, then one or more decimal numbers each with a unit
    /// (ns, us, µs, ms, s, m, h); "0" alone is zero.</summary>
    public static bool TryParse(string? text, out GoDuration duration, out string error)
    {
        duration = default;
        error = $"invalid duration \"{text}\"";
        if (string.IsNullOrEmpty(text))
            return false;

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s is "0")
        {
            duration = new GoDuration(TimeSpan.Zero, text);
            return true;
        }
        if (s.IsEmpty)
            return false;

        decimal totalNanoseconds = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            var dotSeen = false;
            var digits = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || (s[numberLength] == '.' && !dotSeen)))
            {
                if (s[numberLength] == '.')
                    dotSeen = true;
                else
                    digits++;
                numberLength++;
            }
            if (digits == 0)
                return false;
            var number = decimal.Parse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            s = s[numberLength..];

            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
                unitLength++;
            decimal? nanosPerUnit = s[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (nanosPerUnit is null)
            {
                error = unitLength == 0
                    ? $"missing unit in duration \"{text}\""
                    : $"unknown unit \"{s[..unitLength].ToString()}\" in duration \"{text}\"";
                return false;
            }
            totalNanoseconds += number * nanosPerUnit.Value;
            s = s[unitLength..];
        }

        // Go's time.Duration is an int64 of nanoseconds.
        if (totalNanoseconds > long.MaxValue)
        {
            error = $"invalid duration \"{text}\": out of range";
            return false;
        }
        var ticks = (long)(totalNanoseconds / 100m);
        duration = new GoDuration(TimeSpan.FromTicks(negative ? -ticks : ticks), text);
        return true;
    }

    /// <summary>Go's time.Duration.String(): "0s", "500ms", "1.5s", "1m0s", "1h2m3.5s".</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
            return "0s";
        var builder = new StringBuilder();
        var ticks = value.Ticks;
        if (ticks < 0)
        {
            builder.Append('-');
            ticks = -ticks;
        }
        // Below one second Go picks the largest unit that keeps the integer part non-zero.
        if (ticks < TimeSpan.TicksPerSecond)
        {
            var nanoseconds = ticks * 100;
            var (divisor, unit) = nanoseconds switch
            {
                < 1_000 => (1m, "ns"),
                < 1_000_000 => (1_000m, "µs"),
                _ => (1_000_000m, "ms"),
            };
            builder.Append(FormatDecimal(nanoseconds / divisor)).Append(unit);
            return builder.ToString();
        }
        var hours = ticks / TimeSpan.TicksPerHour;
        var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        var seconds = (decimal)(ticks % TimeSpan.TicksPerMinute) / TimeSpan.TicksPerSecond;
        if (hours > 0)
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (hours > 0 || minutes > 0)
            builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        builder.Append(FormatDecimal(seconds)).Append('s');
        return builder.ToString();
    }

    private static string FormatDecimal(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);

    public override string ToString() => _text ?? "0s";

    public bool Equals(GoDuration other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is GoDuration other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode();

    public int CompareTo(GoDuration other) => Value.CompareTo(other.Value);

    public static bool operator ==(GoDuration left, GoDuration right) => left.Equals(right);

    public static bool operator !=(GoDuration left, GoDuration right) => !left.Equals(right);

    private sealed class GoDurationJsonConverter : JsonConverter<GoDuration>
    {
        public override GoDuration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"a duration must be a string such as \"1m\", not {reader.TokenType}");
            var text = reader.GetString();
            return TryParse(text, out var duration, out var error) ? duration : throw new JsonException(error);
        }

        public override void Write(Utf8JsonWriter writer, GoDuration value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
