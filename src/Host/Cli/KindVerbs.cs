using System.CommandLine;

namespace Tide.Host.Cli;

/// <summary>Builds a verb's kind subcommands from <see cref="FluxKind"/>: `source git`, `source oci`, ...,
/// `kustomization` (ks), `helmrelease` (hr), each configured by the verb.</summary>
public static class KindVerbs
{
    public static Command Create(string verb, string description, IEnumerable<FluxKind> kinds, Func<FluxKind, Command, Command> configure)
    {
        var command = ClusterOptions.AddTo(new Command(verb, description));
        Command? source = null;
        foreach (var kind in kinds)
        {
            if (kind.IsSource)
            {
                source ??= new Command("source", $"{description} (sources)");
                source.Subcommands.Add(configure(kind, new Command(kind.SourceType!, $"{description}: {kind.Kind}")));
                continue;
            }
            var sub = new Command(kind.Kind.ToLowerInvariant(), $"{description}: {kind.Kind}");
            foreach (var alias in kind.Aliases.Where(a => a != sub.Name))
                sub.Aliases.Add(alias);
            command.Subcommands.Add(configure(kind, sub));
        }
        if (source is not null)
            command.Subcommands.Add(source);
        return command;
    }

    /// <summary>The NAME argument and --all of suspend, resume and export: exactly one of them.</summary>
    public static (Argument<string?> Name, Option<bool> All) NameOrAll(Command command)
    {
        var name = new Argument<string?>("NAME") { Description = "The object's name.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Every object of the kind in the namespace." };
        command.Arguments.Add(name);
        command.Options.Add(all);
        command.Validators.Add(result =>
        {
            var hasName = result.GetValue(name) is { Length: > 0 };
            if (hasName == result.GetValue(all))
                result.AddError("give either a NAME or --all");
        });
        return (name, all);
    }
}
