using System.CommandLine;
using k8s;
using k8s.Exceptions;
using Tide.Engine.Api;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>
/// Flux's global flags, shared by every verb that talks to a cluster: --kubeconfig, --context, -n/--namespace
/// (default flux-system), -A/--all-namespaces and --timeout (default 5m).
/// </summary>
public static class ClusterOptions
{
    public const string DefaultNamespace = "flux-system";

    public static readonly Option<string?> Kubeconfig = new("--kubeconfig")
    {
        Description = "Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).",
        Recursive = true,
    };

    public static readonly Option<string?> Context = new("--context")
    {
        Description = "The name of the kubeconfig context to use.",
        Recursive = true,
    };

    public static readonly Option<string> Namespace = new("--namespace", "-n")
    {
        Description = "The namespace scope for this operation.",
        DefaultValueFactory = _ => DefaultNamespace,
        Recursive = true,
    };

    public static readonly Option<bool> AllNamespaces = new("--all-namespaces", "-A")
    {
        Description = "List the requested objects across all namespaces.",
        Recursive = true,
    };

    public static readonly Option<TimeSpan> Timeout = new("--timeout")
    {
        Description = "Timeout for this operation, e.g. 30s, 5m.",
        DefaultValueFactory = _ => TimeSpan.FromMinutes(5),
        CustomParser = r =>
        {
            if (GoDuration.TryParse(r.Tokens[0].Value, out var d, out var error))
                return d.Value;
            r.AddError($"invalid --timeout '{r.Tokens[0].Value}': {error}");
            return TimeSpan.Zero;
        },
        Recursive = true,
    };

    /// <summary>Adds the flags to a top-level verb; its subcommands inherit them.</summary>
    public static T AddTo<T>(T command) where T : Command
    {
        command.Options.Add(Kubeconfig);
        command.Options.Add(Context);
        command.Options.Add(Namespace);
        command.Options.Add(AllNamespaces);
        command.Options.Add(Timeout);
        return command;
    }

    /// <summary>A client for the kubeconfig and context the flags name; a missing or broken kubeconfig is a
    /// <see cref="CliException"/>.</summary>
    public static KubeClient Connect(ParseResult parse)
    {
        var path = parse.GetValue(Kubeconfig)
                   ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator).FirstOrDefault(p => p.Length > 0)
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!File.Exists(path))
            throw new CliException($"kubeconfig '{path}' not found: pass --kubeconfig or set KUBECONFIG");
        try
        {
            return new KubeClient(KubeconfigReader.Load(path, parse.GetValue(Context)));
        }
        catch (Exception e) when (e is KubeConfigException or FormatException or YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            throw new CliException($"kubeconfig '{path}': {e.Message}");
        }
    }

    /// <summary>The namespace to list in: null for -A.</summary>
    public static string? ListNamespace(ParseResult parse) => parse.GetValue(AllNamespaces) ? null : parse.GetValue(Namespace);
}
