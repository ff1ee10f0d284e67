using System.Text.Json.Nodes;
using Tide.Engine.Canaries;

namespace Tide.Engine.Tests.Canaries;

public sealed class SpecHashTests
{
    [Fact]
    public void Of_IgnoresKeyOrder_ButNotValues_AndUsesTheSafeAlphabet()
    {
        var a = SpecHash.Of(JsonNode.Parse("""{"spec":{"containers":[{"name":"app","image":"a:1"}]},"metadata":{"labels":{"app":"x"}}}"""));
        var b = SpecHash.Of(JsonNode.Parse("""{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"image":"a:1","name":"app"}]}}"""));
        var c = SpecHash.Of(JsonNode.Parse("""{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"image":"a:2","name":"app"}]}}"""));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", a);
    }
}
