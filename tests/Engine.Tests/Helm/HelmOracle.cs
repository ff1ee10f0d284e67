using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Rendering;

namespace Tide.Engine.Tests.Helm;

/// <summary>Renders a small chart written by a test with helm v4.1.4 and with Tide, for the same release and values:
/// both results (stdout, or stderr when the render fails) are compared by the caller.</summary>
internal static class HelmOracle
{
    public sealed record Outcome(bool Succeeded, string Text);

    /// <summary>Writes the chart files (path to content) into a temporary directory and renders it both ways.</summary>
    public static async Task<(Outcome Helm, Outcome Tide)> RenderBothAsync(IReadOnlyDictionary<string, string> files,
        IReadOnlyList<string>? setValues = null)
    {
        using var dir = new TempDirectory("tide-helm-oracle-");
        foreach (var (path, content) in files)
            dir.Write("chart/" + path, content);
        var chart = dir.Combine("chart");
        var sets = setValues ?? [];
        var args = new List<string> { "template", "rel", chart, "--namespace", "ns" };
        foreach (var s in sets)
            args.AddRange(["--set", s]);
        var helm = await Tide.Testing.Helm.RunAsync(args);
        var helmOutcome = new Outcome(helm.ExitCode == 0, helm.ExitCode == 0 ? helm.Stdout : helm.Stderr);
        Outcome tide;
        try
        {
            tide = new Outcome(true, HelmTemplate.Render(new HelmTemplateOptions("rel", chart) { Namespace = "ns", SetValues = sets }));
        }
        catch (Exception e) when (e is RenderException or ChartException)
        {
            tide = new Outcome(false, RenderException.Stderr(e));
        }
        return (helmOutcome, tide);
    }

    public static async Task AssertSameAsync(IReadOnlyDictionary<string, string> files, IReadOnlyList<string>? setValues = null)
    {
        var (helm, tide) = await RenderBothAsync(files, setValues);
        Assert.Equal(helm, tide);
    }
}
