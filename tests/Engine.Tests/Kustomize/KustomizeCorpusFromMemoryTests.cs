using Tide.Engine.Artifacts;
using Tide.Engine.Kustomize;

namespace Tide.Engine.Tests.Kustomize;

/// <summary>
/// Every root of the shared corpus as a Kustomization builds it: packed into an artifact, unpacked into memory and
/// built through a copy-on-write view of the shared tree; the output must match the real kustomize's
/// (expected.yaml) as in <see cref="KustomizeCorpusTests"/>, and be byte for byte the build from disk.
/// </summary>
public sealed class KustomizeCorpusFromMemoryTests
{
    private static string CorpusDir => Path.Combine(TestPaths.Corpus, "kustomize");

    [Fact]
    public async Task EveryCorpusRoot_BuiltFromAnUnpackedArtifactInMemory_BuildsLikeKubectlKustomize()
    {
        var rows = File.ReadAllLines(Path.Combine(CorpusDir, "INDEX.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(c => c.Length > 2).ToList();
        Assert.Equal(63, rows.Count);
        var failures = new List<string>();
        foreach (var columns in rows)
        {
            var name = columns[1];
            var entry = columns[2]; // <name>/root/<path of the kustomization in the root>
            var artifactRoot = Path.Combine(CorpusDir, name, "root");
            var pathInArtifact = FileTrees.Relative(name + "/root", entry.TrimEnd('/'));
            var expected = File.ReadAllText(Path.Combine(CorpusDir, name, "expected.yaml"));
            using var packed = new MemoryStream();
            await TarballPacker.PackAsync(artifactRoot, packed, null, CancellationToken.None);
            packed.Position = 0;
            var tree = await TarballUnpacker.UnpackToMemoryAsync(packed, UnpackLimits.Default, CancellationToken.None);
            string actual;
            try
            {
                actual = Kustomizer.Build(new CopyOnWriteFileTree(tree), "/" + pathInArtifact).ToYaml();
            }
            catch (Exception e)
            {
                failures.Add($"{name}: build failed: {e.Message}");
                continue;
            }
            if (!KustomizeCorpusTests.SemanticallyEqual(expected, actual, out var difference))
                failures.Add($"{name}: {difference}");
            else if (actual != Kustomizer.Build(Path.Combine(CorpusDir, entry)).ToYaml())
                failures.Add($"{name}: differs from the build from disk");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
