using System.CommandLine;

namespace Tide.Host.Commands;

/// <summary>`tide apiserver`: not built yet.</summary>
public static class ApiServerCommand
{
    public static Command Create()
    {
        var command = new Command("apiserver", "Not built yet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("tide apiserver: not built yet");
            return 1;
        });
        return command;
    }
}
