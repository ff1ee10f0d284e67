using System.Text.Json;
using Tide.Engine.Api;

namespace Tide.Engine.Tests.Api;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("1m", 60_000)]
    [InlineData("10m0s", 600_000)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("500ms", 500)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("0", 0)]
    [InlineData("2h45m", 9_900_000)]
    [InlineData("-1m30s", -90_000)]
    [InlineData("1500us", 1.5)]
    public void Parse_GoSyntax_GivesLength(string text, double milliseconds)
    {
        var duration = GoDuration.Parse(text);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration.Value);
        Assert.Equal(text, duration.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("m")]
    [InlineData("1x")]
    [InlineData("1m-2s")]
    [InlineData("1..5s")]
    public void Parse_Invalid_Throws(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
        Assert.Throws<FormatException>(() => GoDuration.Parse(text));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(60_000, "1m0s")]
    [InlineData(600_000, "10m0s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(3_723_500, "1h2m3.5s")]
    [InlineData(0.25, "250µs")]
    [InlineData(-90_000, "-1m30s")]
    public void Format_WritesLikeGo(double milliseconds, string expected)
    {
        Assert.Equal(expected, new GoDuration(TimeSpan.FromMilliseconds(milliseconds)).ToString());
    }

    [Fact]
    public void Equality_ComparesLengthNotText()
    {
        Assert.Equal(GoDuration.Parse("1m"), GoDuration.Parse("60s"));
        Assert.NotEqual(GoDuration.Parse("1m"), GoDuration.Parse("61s"));
    }

    [Fact]
    public void Json_KeepsTheTextAsWritten()
    {
        var spec = FluxJson.Deserialize<GitRepositorySpec>("""{"url":"https://example.com/r","interval":"1m"}""");

        Assert.Equal(TimeSpan.FromMinutes(1), spec.Interval.Value);
        Assert.Contains("\"interval\":\"1m\"", FluxJson.Serialize(spec));
    }

    [Fact]
    public void Json_RejectsNumbersAndBadText()
    {
        Assert.Throws<JsonException>(() =>
            FluxJson.Deserialize<GitRepositorySpec>("""{"url":"https://example.com/r","interval":60}"""));
        Assert.Throws<JsonException>(() =>
            FluxJson.Deserialize<GitRepositorySpec>("""{"url":"https://example.com/r","interval":"1 minute"}"""));
    }
}
