using System.CommandLine;
using Tide.Host.Commands;

var root = new RootCommand("Tide: a GitOps engine that serves Flux's APIs, built on Akka.NET.");
root.Subcommands.Add(UpCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ApiServerCommand.Create());
root.Subcommands.Add(CrdsCommand.Create());
root.Subcommands.Add(KustomizeCommand.Create());
root.Subcommands.Add(HelmCommand.Create());
return await root.Parse(args).InvokeAsync();
