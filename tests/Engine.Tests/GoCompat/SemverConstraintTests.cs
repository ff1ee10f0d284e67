using Tide.Engine.GoCompat;

namespace Tide.Engine.Tests.GoCompat;

public sealed class SemverConstraintTests
{
    [Theory]
    [InlineData(">=1.0.0 <2.0.0", "1.0.0", true)]
    [InlineData(">=1.0.0 <2.0.0", "1.9.9", true)]
    [InlineData(">=1.0.0 <2.0.0", "2.0.0", false)]
    [InlineData(">= 1.0.0, < 2.0.0", "1.5.0", true)]
    [InlineData(">=1.0.0 <2.0.0", "0.9.0", false)]
    [InlineData("~1.2", "1.2.9", true)]
    [InlineData("~1.2", "1.3.0", false)]
    [InlineData("~1.2.3", "1.2.2", false)]
    [InlineData("~1", "1.9.0", true)]
    [InlineData("^1.2", "1.9.0", true)]
    [InlineData("^1.2", "2.0.0", false)]
    [InlineData("^1.2", "1.1.0", false)]
    [InlineData("^0.2.3", "0.2.9", true)]
    [InlineData("^0.2.3", "0.3.0", false)]
    [InlineData("^0.0.3", "0.0.4", false)]
    [InlineData("1.2.x", "1.2.7", true)]
    [InlineData("1.2.x", "1.3.0", false)]
    [InlineData("1.x", "1.9.9", true)]
    [InlineData("*", "7.0.0", true)]
    [InlineData("*", "7.0.0-rc.1", false)]
    [InlineData(">=1.0.0-0", "1.0.0-rc.1", true)]
    [InlineData("1.2 - 1.4.5", "1.4.5", true)]
    [InlineData("1.2 - 1.4.5", "1.4.6", false)]
    [InlineData("<1.0.0 || >=3.0.0", "3.1.0", true)]
    [InlineData("<1.0.0 || >=3.0.0", "2.1.0", false)]
    [InlineData("!=1.2.3", "1.2.3", false)]
    [InlineData("1.2.3", "v1.2.3", true)]
    [InlineData(">1.2", "1.2.1", false)]
    [InlineData(">1.2", "1.3.0", true)]
    [InlineData("<=1.2.x", "1.2.9", true)]
    [InlineData(">=6.0.0", "6.1.0+build.5", true)]
    public void IsSatisfiedBy_FollowsMastermindsSemantics(string constraint, string version, bool expected)
    {
        Assert.Equal(expected, SemverConstraint.Parse(constraint).IsSatisfiedBy(SemanticVersion.Parse(version)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("banana")]
    [InlineData(">=1.0.0 <")]
    [InlineData("=>>1")]
    public void Parse_Invalid_Throws(string constraint)
    {
        Assert.Throws<FormatException>(() => SemverConstraint.Parse(constraint));
    }

    [Fact]
    public void Versions_OrderBySemverPrecedence()
    {
        var ordered = new[] { "1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.11", "1.0.0-beta.2", "0.9.10", "v1.10.0" }
            .Select(SemanticVersion.Parse)
            .Order()
            .Select(v => v.Original);

        Assert.Equal(["0.9.10", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "v1.10.0"], ordered);
    }
}
