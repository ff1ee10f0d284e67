using System.CommandLine;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Rendering;

namespace Tide.Host.Commands;

/// <summary>`tide helm template RELEASE CHART`: renders a chart in process as `helm template` (v4.1.4) does.</summary>
public static class HelmCommand
{
    public static Command Create()
    {
        var command = new Command("helm", "Helm chart operations.");
        command.Subcommands.Add(CreateTemplate());
        return command;
    }

    private static Command CreateTemplate()
    {
        var release = new Argument<string>("RELEASE") { Description = "release name" };
        var chart = new Argument<string>("CHART") { Description = "chart directory or packaged .tgz" };
        var values = new Option<string[]>("--values", "-f")
        {
            Description = "specify values in a YAML file (can specify multiple)",
            AllowMultipleArgumentsPerToken = false,
        };
        var set = new Option<string[]>("--set") { Description = "set values on the command line (key1=val1,key2=val2)" };
        var ns = new Option<string>("--namespace", "-n") { Description = "namespace scope for this request", DefaultValueFactory = _ => "default" };
        var skipTests = new Option<bool>("--skip-tests") { Description = "skip tests from templated output" };
        var includeCrds = new Option<bool>("--include-crds") { Description = "include CRDs in the templated output" };
        var kubeVersion = new Option<string>("--kube-version") { Description = "Kubernetes version used for Capabilities.KubeVersion", DefaultValueFactory = _ => "v1.35.0" };
        var command = new Command("template", "locally render templates")
        {
            release, chart, values, set, ns, skipTests, includeCrds, kubeVersion,
        };
        command.SetAction(parse =>
        {
            var options = new HelmTemplateOptions(parse.GetValue(release)!, parse.GetValue(chart)!)
            {
                Namespace = parse.GetValue(ns)!,
                ValuesFiles = parse.GetValue(values) ?? [],
                SetValues = parse.GetValue(set) ?? [],
                SkipTests = parse.GetValue(skipTests),
                IncludeCrds = parse.GetValue(includeCrds),
                KubeVersion = NormalizeKubeVersion(parse.GetValue(kubeVersion)!),
            };
            try
            {
                var output = HelmTemplate.Render(options);
                using var stdout = Console.OpenStandardOutput();
                var bytes = System.Text.Encoding.UTF8.GetBytes(output);
                stdout.Write(bytes, 0, bytes.Length);
                return 0;
            }
            catch (Exception e) when (e is RenderException or ChartException or IOException)
            {
                Console.Error.Write(RenderException.Stderr(e));
                return 1;
            }
        });
        return command;
    }

    private static string NormalizeKubeVersion(string v) => v.StartsWith('v') ? v : "v" + v;
}
