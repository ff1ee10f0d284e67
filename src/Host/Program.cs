using System.CommandLine;
using System.Runtime.InteropServices;
using Tide.Host.Commands;

var root = new RootCommand("Tide: a GitOps engine that serves Flux's APIs, built on Akka.NET.");
root.Subcommands.Add(UpCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ApiServerCommand.Create());
root.Subcommands.Add(CrdsCommand.Create());
root.Subcommands.Add(KustomizeCommand.Create());
root.Subcommands.Add(HelmCommand.Create());

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
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, shutdown.Token);
