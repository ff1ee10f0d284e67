using System.Text.Json;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Rendering;

namespace Tide.Engine.Tests.Helm;

/// <summary>Every case of the shared Helm corpus rendered in process and compared with helm v4.1.4's stdout.</summary>
public sealed class HelmCorpusTests
{
    private static string HelmCorpus => Path.Combine(TestPaths.Corpus, "helm");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var chart in Directory.GetDirectories(HelmCorpus).Order(StringComparer.Ordinal))
            foreach (var kind in new[] { "cases", "nondeterministic" })
                if (Directory.Exists(Path.Combine(chart, kind)))
                    foreach (var dir in Directory.GetDirectories(Path.Combine(chart, kind)).Order(StringComparer.Ordinal))
                        data.Add(Path.GetFileName(chart), kind + "/" + Path.GetFileName(dir));
        return data;
    }

    internal sealed record CaseResult(bool ExpectedFailure, string? Output, string? Error, string Expected, HashSet<int> RandomLines);

    internal static CaseResult Run(string chart, string caseDir)
    {
        var chartDir = Path.Combine(HelmCorpus, chart);
        var dir = Path.Combine(chartDir, caseDir);
        var release = File.ReadAllText(Path.Combine(dir, "release.txt")).Trim().Split(' ');
        var flags = File.Exists(Path.Combine(dir, "flags.txt")) ? File.ReadAllText(Path.Combine(dir, "flags.txt")) : "";
        using var caseJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        var exitCode = caseJson.RootElement.GetProperty("v4").GetProperty("exit_code").GetInt32();
        var randomFile = Path.Combine(dir, "nondeterministic-lines-v4.txt");
        var random = File.Exists(randomFile)
            ? File.ReadAllLines(randomFile).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).Select(int.Parse).ToHashSet()
            : [];
        var options = new HelmTemplateOptions(release[0], Path.Combine(chartDir, "chart"))
        {
            Namespace = release[1],
            ValuesFiles = [Path.Combine(dir, "values.yaml")],
            SkipTests = flags.Contains("--skip-tests"),
            IncludeCrds = flags.Contains("--include-crds"),
        };
        var expected = File.ReadAllText(Path.Combine(dir, "expected-v4.yaml"));
        try
        {
            return new CaseResult(exitCode != 0, HelmTemplate.Render(options), null, expected, random);
        }
        catch (Exception e) when (e is RenderException or ChartException)
        {
            return new CaseResult(exitCode != 0, null, RenderException.Stderr(e), expected, random);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_CorpusCase_EqualsHelmV4Output(string chart, string caseDir)
    {
        var r = Run(chart, caseDir);
        if (r.ExpectedFailure)
        {
            Assert.True(r.Output is null, "helm fails on this case, Tide rendered it");
            Assert.Equal(File.ReadAllText(Path.Combine(HelmCorpus, chart, caseDir, "stderr-v4.txt")), r.Error);
            return;
        }
        Assert.True(r.Error is null, r.Error);
        if (r.RandomLines.Count == 0)
        {
            Assert.Equal(r.Expected, r.Output);
            return;
        }
        var want = r.Expected.Split('\n');
        var got = r.Output!.Split('\n');
        Assert.Equal(want.Length, got.Length);
        for (var i = 0; i < want.Length; i++)
            if (!r.RandomLines.Contains(i + 1))
                Assert.Equal($"{i + 1}: {want[i]}", $"{i + 1}: {got[i]}");
    }

    [Fact]
    public void Render_SameLoadedChartTwice_GivesHelmOutputBothTimes()
    {
        // probe-edgecases exercises aliases, conditions, tags and import-values, which rewrite the chart tree.
        var dir = Path.Combine(HelmCorpus, "probe-edgecases", "cases", "overrides-coalesce");
        var release = File.ReadAllText(Path.Combine(dir, "release.txt")).Trim().Split(' ');
        var chart = ChartLoader.Load(Path.Combine(HelmCorpus, "probe-edgecases", "chart"));
        var options = new HelmTemplateOptions(release[0], "unused") { Namespace = release[1], ValuesFiles = [Path.Combine(dir, "values.yaml")] };
        var expected = File.ReadAllText(Path.Combine(dir, "expected-v4.yaml"));
        Assert.Equal(expected, HelmTemplate.Render(chart, options));
        Assert.Equal(expected, HelmTemplate.Render(chart, options));
    }
}
