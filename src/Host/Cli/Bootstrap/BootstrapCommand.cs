using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tide.Engine.Kube;

namespace Tide.Host.Cli.Bootstrap;

/// <summary>
/// `tide bootstrap git --url URL [--branch] [--path] [--username/--password | --private-key-file] [--silent]`: makes
/// Tide manage itself from Git as `flux bootstrap git` does: components committed and pushed, then installed; the
/// `flux-system` Secret created; the sync manifests committed and pushed (rebased and retried when someone pushed
/// meanwhile) and applied; then it waits until the GitRepository and Kustomization are Ready at the pushed commit.
/// A second run finds everything in place and changes nothing.
/// </summary>
public static class BootstrapCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Git repository URL: http(s)://... or ssh://user@host[:port]/path.", Required = true };
        var branch = new Option<string>("--branch") { Description = "Git branch.", DefaultValueFactory = _ => "main" };
        var path = new Option<string>("--path") { Description = "Path of the cluster's directory in the repository, e.g. clusters/my-cluster.", DefaultValueFactory = _ => "clusters/my-cluster" };
        var username = new Option<string?>("--username", "-u") { Description = "Basic authentication username (HTTP/S)." };
        var password = new Option<string?>("--password", "-p") { Description = "Basic authentication password (HTTP/S)." };
        var privateKeyFile = new Option<string?>("--private-key-file") { Description = "Path to a private key file for SSH; the cluster uses it too." };
        var silent = new Option<bool>("--silent", "-s") { Description = "Assume yes to every confirmation prompt." };
        var git = new Command("git", "Deploy Tide on a cluster the GitOps way, from a Git repository.")
            { url, branch, path, username, password, privateKeyFile, silent };
        git.Validators.Add(result =>
        {
            var address = result.GetValue(url) ?? "";
            var ssh = address.StartsWith("ssh://", StringComparison.Ordinal);
            if (!ssh && !address.StartsWith("http://", StringComparison.Ordinal) && !address.StartsWith("https://", StringComparison.Ordinal))
                result.AddError($"invalid --url '{address}': expected http://, https:// or ssh://");
            if (ssh && (result.GetValue(username) is not null || result.GetValue(password) is not null))
                result.AddError("--username/--password are for HTTP(S) URLs; use --private-key-file with ssh://");
            if (!ssh && result.GetValue(privateKeyFile) is not null)
                result.AddError("--private-key-file is for ssh:// URLs");
        });
        CliAction.Set(git, async (parse, ct) =>
        {
            var options = new BootstrapOptions(parse.GetValue(url)!, parse.GetValue(branch)!, parse.GetValue(path)!.Trim('/'),
                parse.GetValue(username), parse.GetValue(password), parse.GetValue(privateKeyFile), parse.GetValue(silent),
                parse.GetValue(ClusterOptions.Namespace)!, parse.GetValue(ClusterOptions.Timeout));
            using var kube = ClusterOptions.Connect(parse);
            await RunAsync(kube, options, ct);
            return 0;
        });
        return ClusterOptions.AddTo(new Command("bootstrap", "Deploy Tide on a cluster the GitOps way.") { git });
    }

    private sealed record BootstrapOptions(string Url, string Branch, string Path, string? Username, string? Password,
        string? PrivateKeyFile, bool Silent, string Namespace, TimeSpan Timeout)
    {
        public bool Ssh => Url.StartsWith("ssh://", StringComparison.Ordinal);
    }

    private static async Task RunAsync(KubeClient kube, BootstrapOptions o, CancellationToken ct)
    {
        var fluxSystem = $"{o.Path}/flux-system";
        CliConsole.Action($"cloning branch \"{o.Branch}\" from Git repository \"{o.Url}\"");
        using var workspace = await GitWorkspace.CloneAsync(o.Url, o.Branch, o.Username, o.Password, o.PrivateKeyFile, ct);
        CliConsole.Success("cloned repository");

        CliConsole.Action("generating component manifests");
        workspace.Write($"{fluxSystem}/gotk-components.yaml", SyncManifests.Components(o.Namespace));
        await CommitAndPushAsync(workspace, fluxSystem, "Add Tide components manifests", "component manifests", o, ct);

        await InstallCommand.ApplyAsync(kube, o.Namespace, o.Timeout, ct);
        CliConsole.Success("installed components");

        await ApplySecretAsync(kube, o, ct);

        CliConsole.Action("generating sync manifests");
        var gitRepository = SyncManifests.GitRepository(o.Namespace, o.Url, o.Branch, withSecret: o.Ssh || o.Username is not null || o.Password is not null);
        var kustomization = SyncManifests.Kustomization(o.Namespace, o.Path);
        workspace.Write($"{fluxSystem}/gotk-sync.yaml", SyncManifests.Sync(gitRepository, kustomization));
        workspace.Write($"{fluxSystem}/kustomization.yaml", SyncManifests.Kustomize);
        var head = await CommitAndPushAsync(workspace, fluxSystem, "Add Tide sync manifests", "sync manifests", o, ct);

        CliConsole.Action("applying sync manifests");
        foreach (var obj in new[] { gitRepository, kustomization })
            await kube.ApplyAsync(obj, new ApplyOptions { FieldManager = InstallCommand.FieldManager }, ct);
        CliConsole.Success("reconciled sync configuration");

        var revision = $"{o.Branch}@sha1:{head}";
        foreach (var (kind, revisionOf) in new (FluxKind, Func<JsonObject, string>)[] { (FluxKind.GitRepository, FluxKind.GitRepository.Revision), (FluxKind.Kustomization, FluxKind.Kustomization.Revision) })
        {
            await CliConsole.WaitAsync($"waiting for {kind.Kind} \"{o.Namespace}/{SyncManifests.Name}\" to be reconciled",
                () => FluxObjects.WaitReadyAsync(kube, kind, o.Namespace, SyncManifests.Name, o.Timeout, obj => revisionOf(obj) == revision, ct));
            CliConsole.Success($"{kind.Kind} reconciled successfully");
        }
        CliConsole.Success("bootstrap finished");
    }

    /// <summary>Commits and pushes what changed under the directory; returns the branch's head either way.</summary>
    private static async Task<string> CommitAndPushAsync(GitWorkspace workspace, string directory, string message, string what,
        BootstrapOptions o, CancellationToken ct)
    {
        if (await workspace.CommitAsync(directory, message, ct) is not { } commit)
        {
            CliConsole.Success($"{what} are up to date");
            return await workspace.HeadAsync(ct);
        }
        CliConsole.Success($"committed {what} to \"{o.Branch}\" (\"{commit}\")");
        CliConsole.Action($"pushing {what} to \"{o.Url}\"");
        return await workspace.PushAsync(ct);
    }

    /// <summary>The `flux-system` Secret: kept when it already holds SSH keys (a second run changes nothing), written
    /// otherwise; a generated key's public half is printed to be added as a deploy key.</summary>
    private static async Task ApplySecretAsync(KubeClient kube, BootstrapOptions o, CancellationToken ct)
    {
        var reference = new ObjectRef("v1", "Secret", o.Namespace, SyncManifests.Name);
        CliConsole.Action($"determining if source secret \"{o.Namespace}/{SyncManifests.Name}\" exists");
        var existing = await kube.GetAsync(reference, ct);
        JsonObject secret;
        if (o.Ssh)
        {
            if (o.PrivateKeyFile is null && existing?["data"]?["identity"] is not null)
            {
                CliConsole.Success("source secret up to date");
                return;
            }
            CliConsole.Action("generating source secret");
            var (identity, publicKey) = await SourceSecret.KeyPairAsync(o.PrivateKeyFile, ct);
            var knownHosts = await SourceSecret.KnownHostsAsync(new Uri(o.Url), ct);
            secret = SourceSecret.Ssh(o.Namespace, SyncManifests.Name, identity, publicKey, knownHosts);
            CliConsole.Success($"public key: {publicKey}");
            if (o.PrivateKeyFile is null && !o.Silent && CliConsole.Err.Profile.Capabilities.Interactive &&
                !await new ConfirmationPrompt("Please give the key access to your repository") { DefaultValue = false }.ShowAsync(CliConsole.Err, ct))
                throw new CliException("aborted: the deploy key was not confirmed");
        }
        else if (o.Username is not null || o.Password is not null)
            secret = SourceSecret.Basic(o.Namespace, SyncManifests.Name, o.Username ?? "", o.Password ?? "");
        else
            return;
        CliConsole.Action($"applying source secret \"{o.Namespace}/{SyncManifests.Name}\"");
        await kube.ApplyAsync(secret, new ApplyOptions { FieldManager = InstallCommand.FieldManager }, ct);
        CliConsole.Success("reconciled source secret");
    }
}
