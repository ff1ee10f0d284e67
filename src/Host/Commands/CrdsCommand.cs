using System.CommandLine;
using Tide.Engine.Api.Crds;

namespace Tide.Host.Commands;

/// <summary>`tide crds`: prints Tide's CRDs (generated from the API types) as YAML, e.g. for deploy/helm/tide/crds.</summary>
public static class CrdsCommand
{
    public static Command Create()
    {
        var command = new Command("crds", "Print the CustomResourceDefinitions Tide serves, as YAML.");
        command.SetAction(_ =>
        {
            Console.Out.Write(Crds.ToYaml());
            return 0;
        });
        return command;
    }
}
