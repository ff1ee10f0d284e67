using System.Security.Cryptography;
using System.Text;
using Tide.Engine.Artifacts;

namespace Tide.Engine.Tests.Artifacts;

public sealed class ArtifactStoreTests : IDisposable
{
    private static readonly ArtifactOwner Owner = new("GitRepository", "flux-system", "podinfo");
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ArtifactStore _store;

    public ArtifactStoreTests() => _store = new ArtifactStore(_temp.Combine("store"), _time);

    public void Dispose() => _temp.Dispose();

    private Task<StoredArtifact> PutAsync(string content) =>
        _store.PutAsync(Owner, (stream, ct) => stream.WriteAsync(Encoding.UTF8.GetBytes(content), ct).AsTask(), CancellationToken.None);

    [Fact]
    public async Task Put_StoresUnderKindNamespaceNameAndDigest()
    {
        var stored = await PutAsync("hello");

        var hex = Convert.ToHexStringLower(SHA256.HashData("hello"u8));
        Assert.Equal($"gitrepository/flux-system/podinfo/{hex}.tar.gz", stored.Path);
        Assert.Equal("sha256:" + hex, stored.Digest);
        Assert.Equal(5, stored.Size);
        Assert.Equal("hello", await File.ReadAllTextAsync(_store.LocalPath(stored.Path)));
        Assert.Single(Directory.GetFiles(_temp.Combine("store", "gitrepository", "flux-system", "podinfo")));
    }

    [Fact]
    public async Task Put_SameContentTwice_KeepsOneFile()
    {
        var first = await PutAsync("same");
        var second = await PutAsync("same");

        Assert.Equal(first, second);
        Assert.Single(Directory.GetFiles(_temp.Combine("store", "gitrepository", "flux-system", "podinfo")));
    }

    [Fact]
    public async Task Put_WriterFails_LeavesNothingBehind()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.PutAsync(Owner,
            async (stream, ct) =>
            {
                await stream.WriteAsync("partial"u8.ToArray(), ct);
                throw new InvalidOperationException("boom");
            }, CancellationToken.None));

        Assert.Empty(Directory.GetFiles(_temp.Combine("store", "gitrepository", "flux-system", "podinfo")));
    }

    [Fact]
    public async Task Verify_DetectsTampering()
    {
        var stored = await PutAsync("original");
        Assert.True(await _store.VerifyAsync(stored.Path, stored.Digest, CancellationToken.None));

        await File.WriteAllTextAsync(_store.LocalPath(stored.Path), "tampered");

        Assert.False(await _store.VerifyAsync(stored.Path, stored.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task CollectGarbage_WithinTheTtl_KeepsTheNewestRecordsAndTheCurrent()
    {
        var paths = new List<string>();
        foreach (var content in new[] { "one", "two", "three", "four" })
        {
            paths.Add((await PutAsync(content)).Path);
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        // Storing "one" again makes it the newest.
        await PutAsync("one");

        var removed = _store.CollectGarbage(Owner, new ArtifactRetention(2, TimeSpan.FromHours(1)), current: paths[1]);

        Assert.Equal([paths[2]], removed);
        Assert.True(_store.Exists(paths[0]));
        Assert.True(_store.Exists(paths[1]));
        Assert.True(_store.Exists(paths[3]));
    }

    [Fact]
    public async Task CollectGarbage_RemovesWhatOutlivedTheTtl_ButNeverTheCurrent()
    {
        var old = await PutAsync("old");
        _time.Advance(TimeSpan.FromSeconds(50));
        var previous = await PutAsync("previous");
        _time.Advance(TimeSpan.FromSeconds(20));
        var current = await PutAsync("current");
        _time.Advance(TimeSpan.FromSeconds(45));

        // "old" is 115 s old, "previous" 65 s, both past Flux's 60 s; "current" is past it too but stays.
        var removed = _store.CollectGarbage(Owner, ArtifactRetention.Default, current.Path);

        Assert.Equal([previous.Path, old.Path], removed);
        Assert.True(_store.Exists(current.Path));
    }

    [Fact]
    public async Task CollectGarbage_KeepsAYoungPreviousArtifact_ForConsumersStillDownloadingIt()
    {
        var previous = await PutAsync("previous");
        _time.Advance(TimeSpan.FromSeconds(10));
        var current = await PutAsync("current");

        Assert.Empty(_store.CollectGarbage(Owner, ArtifactRetention.Default, current.Path));
        Assert.True(_store.Exists(previous.Path));
    }

    [Theory]
    [InlineData("../outside.tar.gz")]
    [InlineData("gitrepository/../../outside")]
    [InlineData("/etc/passwd")]
    public void LocalPath_OutsideTheStore_IsRefused(string path)
    {
        Assert.Throws<ArgumentException>(() => _store.LocalPath(path));
    }

    [Fact]
    public async Task DeleteAll_RemovesTheOwnersArtifacts()
    {
        var stored = await PutAsync("x");

        _store.DeleteAll(Owner);

        Assert.False(_store.Exists(stored.Path));
    }
}
