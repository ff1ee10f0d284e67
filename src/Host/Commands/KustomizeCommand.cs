using System.CommandLine;
using Tide.Engine.Kustomize;

namespace Tide.Host.Commands;

/// <summary>`tide kustomize DIR`: prints what `kubectl kustomize DIR` prints, built in process.</summary>
public static class KustomizeCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("dir")
        {
            Description = "The kustomization directory to build.",
            DefaultValueFactory = _ => ".",
        };
        var command = new Command("kustomize", "Build a kustomization directory (same output as `kubectl kustomize`).");
        command.Arguments.Add(directory);
        command.SetAction(parse =>
        {
            // A one-shot build matches each regular expression a handful of times: compiling YamlDotNet's
            // RegexOptions.Compiled patterns to IL (Reflection.Emit, then JIT) cost ~20 ms of a ~70 ms start, so this
            // process interprets them instead. It must be set before anything reads RuntimeFeature; nothing on this
            // path needs emitted code (System.Text.Json falls back to plain reflection).
            AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
            try
            {
                var yaml = Kustomizer.Build(parse.GetValue(directory)!).ToYaml();
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(System.Text.Encoding.UTF8.GetBytes(yaml));
                return 0;
            }
            catch (Exception e) when (e is KustomizeException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }
}
