using System.CommandLine;
using System.Runtime.InteropServices;
using Tide.Host.Cli;
using Tide.Host.Cli.Bootstrap;
using Tide.Host.Commands;

var root = new RootCommand("Tide: a GitOps engine that serves Flux's APIs, built on Akka.NET.");
root.Subcommands.Add(UpCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ApiServerCommand.Create());
root.Subcommands.Add(CrdsCommand.Create());
root.Subcommands.Add(KustomizeCommand.Create());
root.Subcommands.Add(HelmCommand.Create());
root.Subcommands.Add(PushArtifactCommand.Create());
root.Subcommands.Add(PullArtifactCommand.Create());
root.Subcommands.Add(GetCommand.Create());
root.Subcommands.Add(ReconcileCommand.Create());
root.Subcommands.Add(SuspendCommand.CreateSuspend());
root.Subcommands.Add(SuspendCommand.CreateResume());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(CreateCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(VersionCommand.Create());
root.Subcommands.Add(EventsCommand.Create());
root.Subcommands.Add(LogsCommand.Create());
root.Subcommands.Add(TreeCommand.Create());
root.Subcommands.Add(TraceCommand.Create());
root.Subcommands.Add(BuildCommand.Create());
root.Subcommands.Add(DiffCommand.Create());
root.Subcommands.Add(InstallCommand.CreateInstall());
root.Subcommands.Add(InstallCommand.CreateUninstall());
root.Subcommands.Add(BootstrapCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());

// Ctrl+C and SIGTERM cancel the command's token, so long-running commands leave the cluster and stop their servers
// in order (the default would end the process from under them).
using var shutdown = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Usage errors exit with 2, as flux's do, in one line each.
    foreach (var error in parse.Errors)
        CliConsole.Failure(error.Message);
    CliConsole.Note($"Run '{string.Join(' ', ["tide", .. CommandPath(parse.CommandResult)])} --help' for usage.");
    return 2;
}
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, shutdown.Token);

static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result) =>
    result.Parent is System.CommandLine.Parsing.CommandResult parent ? [.. CommandPath(parent), result.Command.Name] : [];
