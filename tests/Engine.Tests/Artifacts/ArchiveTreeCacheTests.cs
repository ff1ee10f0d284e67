using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Tide.Engine.Artifacts;

namespace Tide.Engine.Tests.Artifacts;

public sealed class ArchiveTreeCacheTests
{
    /// <summary>A real unpacked tree holding one file of <paramref name="bytes"/> bytes.</summary>
    private static async Task<ArchiveTree> TreeAsync(int bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "f") { DataStream = new MemoryStream(new byte[bytes]) });
        output.Position = 0;
        return await TarballUnpacker.UnpackToMemoryAsync(output, UnpackLimits.Default, CancellationToken.None);
    }

    [Fact]
    public async Task GetAsync_ConcurrentRequestsForOneDigest_ShareOneUnpack()
    {
        var cache = new ArchiveTreeCache();
        var unpacks = 0;
        var release = new TaskCompletionSource();
        async Task<ArchiveTree> Unpack()
        {
            Interlocked.Increment(ref unpacks);
            await release.Task;
            return await TreeAsync(10);
        }

        var requests = Enumerable.Range(0, 8).Select(_ => cache.GetAsync("sha256:a", Unpack, CancellationToken.None)).ToList();
        release.SetResult();
        var trees = await Task.WhenAll(requests);

        Assert.Equal(1, unpacks);
        Assert.All(trees, t => Assert.Same(trees[0], t));
        Assert.Same(trees[0], await cache.GetAsync("sha256:a", () => throw new InvalidOperationException("kept"), CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_OverBudget_EvictsTheLeastRecentlyUsed()
    {
        var size = (await TreeAsync(1000)).SizeBytes;
        var cache = new ArchiveTreeCache(budgetBytes: 2 * size, maxTreeBytes: size);
        var unpacks = new List<string>();
        Task<ArchiveTree> Get(string digest) => cache.GetAsync(digest, () =>
        {
            lock (unpacks)
                unpacks.Add(digest);
            return TreeAsync(1000);
        }, CancellationToken.None);

        await Get("a");
        await Get("b");
        await Get("a"); // a is now more recent than b
        await Get("c"); // over budget: b goes
        await Get("a");
        await Get("b");

        Assert.Equal(["a", "b", "c", "b"], unpacks);
        Assert.True(cache.HeldBytes <= 2 * size);
    }

    [Fact]
    public async Task GetAsync_TreeLargerThanTheCap_IsReturnedButNotKept()
    {
        var cache = new ArchiveTreeCache(budgetBytes: 1_000_000, maxTreeBytes: 500);
        var unpacks = 0;
        Task<ArchiveTree> Unpack()
        {
            Interlocked.Increment(ref unpacks);
            return TreeAsync(1000);
        }

        var first = await cache.GetAsync("big", Unpack, CancellationToken.None);
        var second = await cache.GetAsync("big", Unpack, CancellationToken.None);

        Assert.NotSame(first, second);
        Assert.Equal(2, unpacks);
        Assert.Equal(0, cache.HeldBytes);
    }

    [Fact]
    public async Task GetAsync_FailedUnpack_IsTriedAgainNextTime()
    {
        var cache = new ArchiveTreeCache();
        var error = await Assert.ThrowsAsync<UnsafeArchiveException>(() =>
            cache.GetAsync("bad", () => throw new UnsafeArchiveException("x", "no"), CancellationToken.None));

        var tree = await cache.GetAsync("bad", () => TreeAsync(1), CancellationToken.None);

        Assert.Contains("'x'", error.Message);
        Assert.True(tree.FileExists("/f"));
    }

    [Fact]
    public async Task GetAsync_CancelledCaller_DoesNotCancelTheSharedUnpack()
    {
        var cache = new ArchiveTreeCache();
        var release = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();
        async Task<ArchiveTree> Unpack()
        {
            await release.Task;
            return await TreeAsync(1);
        }

        var cancelled = cache.GetAsync("d", Unpack, cancel.Token);
        var other = cache.GetAsync("d", Unpack, CancellationToken.None);
        await cancel.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.True((await other).FileExists("/f"));
    }
}
