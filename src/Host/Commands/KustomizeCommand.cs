using System.CommandLine;

namespace Tide.Host.Commands;

/// <summary>`tide kustomize`: not built yet.</summary>
public static class KustomizeCommand
{
    public static Command Create()
    {
        var command = new Command("kustomize", "Not built yet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("tide kustomize: not built yet");
            return 1;
        });
        return command;
    }
}
