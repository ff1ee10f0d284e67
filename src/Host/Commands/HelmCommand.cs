using System.CommandLine;

namespace Tide.Host.Commands;

/// <summary>`tide helm`: not built yet.</summary>
public static class HelmCommand
{
    public static Command Create()
    {
        var command = new Command("helm", "Not built yet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("tide helm: not built yet");
            return 1;
        });
        return command;
    }
}
