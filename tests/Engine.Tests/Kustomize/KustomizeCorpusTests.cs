using System.Text.Json.Nodes;
using Tide.Engine.Kustomize;
using Tide.Engine.Kustomize.Yaml;
using Xunit.Abstractions;

namespace Tide.Engine.Tests.Kustomize;

/// <summary>
/// Every root of the shared corpus, built in process and compared with the output of the real kustomize
/// (expected.yaml, produced by `kubectl kustomize`): semantically (same documents, order and values) and byte for byte.
/// </summary>
public sealed class KustomizeCorpusTests(ITestOutputHelper output)
{
    private static string CorpusDir => Path.Combine(TestPaths.Corpus, "kustomize");

    [Fact]
    public void EveryCorpusRoot_BuildsLikeKubectlKustomize()
    {
        var rows = File.ReadAllLines(Path.Combine(CorpusDir, "INDEX.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(c => c.Length > 2).ToList();
        Assert.NotEmpty(rows);
        int semantic = 0, bytes = 0;
        var failures = new List<string>();
        foreach (var columns in rows)
        {
            var name = columns[1];
            var expected = File.ReadAllText(Path.Combine(CorpusDir, name, "expected.yaml"));
            string actual;
            try
            {
                actual = Kustomizer.Build(Path.Combine(CorpusDir, columns[2])).ToYaml();
            }
            catch (Exception e)
            {
                failures.Add($"{name}: build failed: {e.Message}");
                continue;
            }
            var same = SemanticallyEqual(expected, actual, out var difference);
            if (same)
                semantic++;
            else
                failures.Add($"{name}: {difference}");
            if (actual == expected)
                bytes++;
            else if (same)
                output.WriteLine($"{name}: semantically equal, bytes differ at {FirstDifference(expected, actual)}");
        }
        output.WriteLine($"semantic: {semantic}/{rows.Count} ({100.0 * semantic / rows.Count:F1}%), " +
                         $"byte-identical: {bytes}/{rows.Count} ({100.0 * bytes / rows.Count:F1}%)");
        foreach (var f in failures)
            output.WriteLine(f);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    internal static bool SemanticallyEqual(string expected, string actual, out string difference)
    {
        var e = Documents(expected);
        var a = Documents(actual);
        if (e.Count != a.Count)
        {
            difference = $"{a.Count} documents, expected {e.Count}";
            return false;
        }
        for (var i = 0; i < e.Count; i++)
            if (!JsonNode.DeepEquals(e[i], a[i]))
            {
                difference = $"document {i} differs:\nexpected {e[i]?.ToJsonString()}\nactual   {a[i]?.ToJsonString()}";
                return false;
            }
        difference = "";
        return true;
    }

    private static List<JsonNode?> Documents(string text) =>
        YamlReader.ReadDocuments(text, "output").Where(d => d is not null).Select(d => JsonConversion.ToJson(d!)).ToList();

    private static string FirstDifference(string expected, string actual)
    {
        var i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i])
            i++;
        var line = expected[..i].Count(c => c == '\n') + 1;
        string Around(string s) => s.Substring(Math.Max(0, i - 40), Math.Min(80, s.Length - Math.Max(0, i - 40))).Replace("\n", "⏎");
        return $"line {line}: expected «{Around(expected)}» actual «{Around(actual)}»";
    }
}
