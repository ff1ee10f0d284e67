using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// `tide bootstrap git` as a process against the embedded API server and real Git servers (HTTP with basic auth,
/// SSH), run twice; the Tide node of the environment plays the installed Tide, so a commit changing Tide's own
/// manifests in the repository is applied by Tide itself.
/// </summary>
public sealed class BootstrapGitTests
{
    private const string Username = "fleet";
    private const string Password = "s3cret-pass";

    /// <summary>The server's pre-receive hook plays another writer: on the first push it moves main itself (the push
    /// then fails its compare-and-swap, as with a concurrent push); with a 'frozen' file it refuses every push.</summary>
    private const string RacingHook = """
        #!/bin/sh
        if [ -f frozen ]; then echo "pushes are frozen"; exit 1; fi
        [ -f raced ] && exit 0
        touch raced
        unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
        export GIT_INDEX_FILE="$PWD/race-index" GIT_AUTHOR_NAME=other GIT_AUTHOR_EMAIL=other@example.com GIT_COMMITTER_NAME=other GIT_COMMITTER_EMAIL=other@example.com
        blob=$(echo concurrent | git hash-object -w --stdin)
        if git rev-parse -q --verify refs/heads/main >/dev/null; then git read-tree refs/heads/main; parent="-p refs/heads/main"; else git read-tree --empty; parent=""; fi
        git update-index --add --cacheinfo "100644,$blob,concurrent.txt"
        commit=$(git commit-tree "$(git write-tree)" $parent -m concurrent)
        git update-ref refs/heads/main "$commit"

        """;

    [Fact]
    public async Task OverHttpWithBasicAuth_IsIdempotent_AndTideAppliesAChangeToItsOwnConfig()
    {
        await using var git = await GitHttpServer.StartAsync(new GitHttpServer.Options { Basic = new(Username, Password) });
        var bare = await git.CreateBareRepositoryAsync("fleet.git");
        var hook = Path.Combine(bare, "hooks", "pre-receive");
        File.WriteAllText(hook, RacingHook);
        await ProcessRunner.RunCheckedAsync("chmod", ["+x", hook]);
        var url = git.RepositoryUrl("fleet");
        await using var env = await TideEnvironment.StartAsync();
        var tide = new TideCli(env.Kubeconfig);
        string[] bootstrap = ["bootstrap", "git", "--url", url, "--branch", "main", "--path", "clusters/dev",
            "--username", Username, "--password", Password, "--silent", "--timeout", "2m"];

        // The first push loses a race with another writer: bootstrap rebases onto it and pushes again.
        var first = await tide.RunOkAsync(bootstrap);
        Assert.Contains("► \"main\" moved meanwhile: rebasing onto it and pushing again", first);
        Assert.Contains("✔ bootstrap finished", first);
        using var clone = new TempDirectory("tide-fleet-");
        var authenticated = url.Replace("http://", $"http://{Username}:{Password}@", StringComparison.Ordinal);
        await GitCli.RunAsync(clone.Path, "clone", "-q", "--branch", "main", authenticated, "work");
        var work = clone.Combine("work");
        Assert.Equal("""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
            - gotk-components.yaml
            - gotk-sync.yaml

            """.ReplaceLineEndings("\n"), File.ReadAllText(Path.Combine(work, "clusters/dev/flux-system/kustomization.yaml")));
        var sync = File.ReadAllText(Path.Combine(work, "clusters/dev/flux-system/gotk-sync.yaml"));
        Assert.Contains($"spec:\n  interval: 1m0s\n  ref:\n    branch: main\n  secretRef:\n    name: flux-system\n  url: {url}\n", sync);
        Assert.Contains("spec:\n  interval: 10m0s\n  path: ./clusters/dev\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n", sync);
        Assert.Contains("kind: StatefulSet", File.ReadAllText(Path.Combine(work, "clusters/dev/flux-system/gotk-components.yaml")));
        Assert.Equal("concurrent\n", File.ReadAllText(Path.Combine(work, "concurrent.txt")));
        var head = (await GitCli.RunAsync(work, "rev-parse", "HEAD")).Trim();
        Assert.DoesNotContain(Password, first);

        // Idempotent: nothing to commit, nothing pushed, Ready again.
        var second = await tide.RunOkAsync(bootstrap);
        Assert.Contains("✔ component manifests are up to date", second);
        Assert.Contains("✔ sync manifests are up to date", second);
        await GitCli.RunAsync(work, "fetch", "-q", "origin");
        Assert.Equal(head, (await GitCli.RunAsync(work, "rev-parse", "origin/main")).Trim());

        // A change to Tide's own configuration in Git is applied by Tide (the node reconciling flux-system).
        var componentsPath = Path.Combine(work, "clusters/dev/flux-system/gotk-components.yaml");
        File.WriteAllText(componentsPath, File.ReadAllText(componentsPath)
            .Replace("    tide.artifacts {", "    tide.workers.apply = 8\n    tide.artifacts {", StringComparison.Ordinal));
        await GitCli.RunAsync(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "more apply workers");
        await GitCli.RunAsync(work, "push", "-q", "origin", "HEAD:main");
        var reconciled = await tide.RunOkAsync("reconcile", "ks", "flux-system", "--with-source");
        Assert.Contains("✔ applied revision main@sha1:", reconciled);
        Assert.Contains("tide.workers.apply = 8",
            await env.Kubectl.JsonPathAsync("configmap/tide", "flux-system", "{.data.tide\\.conf}"));

        // A push the server refuses is one line with the server's reason.
        File.WriteAllText(Path.Combine(bare, "frozen"), "");
        var refused = await tide.RunAsync([.. bootstrap[..6], "--path", "clusters/other", .. bootstrap[8..]]);
        Assert.Equal(1, refused.ExitCode);
        Assert.EndsWith("remote: pushes are frozen; ! [remote rejected] HEAD -> main (pre-receive hook declined)\n", refused.Stderr);

        var wrong = await tide.RunAsync([.. bootstrap[..^5], "--password", "wrong", "--silent", "--timeout", "2m"]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.StartsWith("✗ git ls-remote", wrong.Stderr.Split('\n').Last(l => l.StartsWith('✗')));
        Assert.DoesNotContain("wrong", wrong.Stderr.Replace("--password", ""));
    }

    [Fact]
    public async Task OverSsh_GeneratesADeployKey_IsIdempotent_AndTakesAGivenPrivateKey()
    {
        await using var ssh = await GitSshServer.StartAsync();
        await ssh.CreateBareRepositoryAsync("fleet.git");
        using var keys = new TempDirectory("tide-keys-");
        var key = keys.Combine("identity");
        File.WriteAllText(key, ssh.ClientKey);
        await ProcessRunner.RunCheckedAsync("chmod", ["600", key]);
        await using var env = await TideEnvironment.StartAsync();
        var tide = new TideCli(env.Kubeconfig);
        string[] bootstrap = ["bootstrap", "git", "--url", ssh.UrlFor("fleet.git"), "--path", "clusters/prod", "--silent", "--timeout", "2m"];
        // The user's own SSH set-up pushes; the cluster gets a key pair of its own, printed to be added as a deploy key.
        var userSsh = new Dictionary<string, string>
        {
            ["GIT_SSH_COMMAND"] = $"ssh -i {key} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        };

        var output = new List<string>();
        using (var first = tide.Start(output, userSsh, bootstrap))
        {
            const string prefix = "✔ public key: ";
            var publicKey = await Eventually.WaitAsync(() => { lock (output) return Task.FromResult(output.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))); },
                line => line is not null, TimeSpan.FromSeconds(60), "the deploy key");
            Assert.StartsWith("ecdsa-sha2-nistp384 ", publicKey![prefix.Length..]);
            ssh.Authorize(publicKey[prefix.Length..]);
            await first.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            lock (output)
                Assert.True(first.ExitCode == 0, string.Join('\n', output));
        }
        lock (output)
            Assert.Contains("✔ bootstrap finished", output);
        Assert.NotEqual("", await env.Kubectl.JsonPathAsync("secret/flux-system", "flux-system", "{.data.known_hosts}"));

        var again = new List<string>();
        using (var second = tide.Start(again, userSsh, bootstrap))
        {
            await second.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(0, second.ExitCode);
        }
        Assert.Contains("✔ source secret up to date", again);
        Assert.Contains("✔ sync manifests are up to date", again);

        // A given private key is the cluster's key too.
        var given = await tide.RunOkAsync([.. bootstrap, "--private-key-file", key]);
        Assert.Contains("✔ Kustomization reconciled successfully", given);
        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ssh.ClientKey)),
            await env.Kubectl.JsonPathAsync("secret/flux-system", "flux-system", "{.data.identity}"));
    }
}
