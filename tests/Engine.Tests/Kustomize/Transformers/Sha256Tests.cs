using System.Security.Cryptography;
using Tide.Engine.Kustomize.Transformers.Hash;

namespace Tide.Engine.Tests.Kustomize.Transformers;

public sealed class Sha256Tests
{
    // Lengths around the padding boundaries (55/56 bytes fit one block or spill into a second) and several blocks.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(119)]
    [InlineData(120)]
    [InlineData(5000)]
    public void HashData_MatchesTheFrameworksSha256(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(SHA256.HashData(data), Sha256.HashData(data));
    }
}
