using System.CommandLine;
using Tide.Engine.Yaml;

namespace Tide.Host.Cli;

/// <summary>`tide build kustomization NAME --path DIR`: the objects the Kustomization would apply if its path held
/// DIR, built locally as `flux build ks` does, printed as a YAML stream.</summary>
public static class BuildCommand
{
    public static Command Create()
    {
        var build = ClusterOptions.AddTo(new Command("build", "Build a Flux Kustomization locally."));
        var name = LocalBuild.NameArgument();
        var path = LocalBuild.PathOption();
        var kustomization = new Command("kustomization", "Build a Kustomization's manifests from a local directory.") { name, path };
        kustomization.Aliases.Add("ks");
        CliAction.Set(kustomization, async (parse, ct) =>
        {
            using var kube = ClusterOptions.Connect(parse);
            var (_, objects) = await LocalBuild.BuildAsync(kube, parse.GetValue(ClusterOptions.Namespace)!, parse.GetValue(name)!,
                parse.GetValue(path)!, ct);
            CliConsole.Write(string.Join("---\n", objects.Select(YamlJson.Write)));
            return 0;
        });
        build.Subcommands.Add(kustomization);
        return build;
    }
}
