using System.CommandLine;

namespace Tide.Host.Cli;

/// <summary>`tide export <kind> NAME|--all`: the objects as YAML a user can commit (flux's export shape).</summary>
public static class ExportCommand
{
    public static Command Create() => KindVerbs.Create("export", "Export resources in YAML format", FluxKind.All, (kind, command) =>
    {
        var (name, all) = KindVerbs.NameOrAll(command);
        CliAction.Set(command, async (parse, ct) =>
        {
            using var kube = ClusterOptions.Connect(parse);
            var ns = ClusterOptions.ListNamespace(parse);
            var objects = parse.GetValue(all)
                ? await FluxObjects.ListAsync(kube, kind, ns, ct)
                : [await FluxObjects.GetAsync(kube, kind, parse.GetValue(ClusterOptions.Namespace)!, parse.GetValue(name)!, ct)];
            foreach (var obj in objects)
                CliConsole.Write(FluxYaml.Export(obj));
            return 0;
        });
        return command;
    });
}
