using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Git;
using Tide.Engine.Sources.Ignore;
using static Tide.Engine.Reconcilers.SourceReconcileSteps;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// Reconciles a GitRepository as source-controller does: check the stored artifact, fetch the reference, and when the
/// revision (or the ignore rules) changed, pack the tree into a new content-addressed artifact. Returns the new status
/// with Flux's conditions, the events to record and when to run again; the caller patches the status.
/// spec.include copies (a path of) other GitRepositories' artifacts into the tree; <paramref name="findRepository"/>
/// (namespace, name) reads those objects; their artifacts are read from <paramref name="store"/> when this node holds
/// them, else through <paramref name="downloadArtifact"/> (by url, digest-checked: the included source may live on
/// another node).
/// </summary>
public sealed class GitRepositoryReconciler(
    GitFetcher fetcher, ArtifactStore store, SourceReconcilerOptions options, TimeProvider time,
    Func<string, string, CancellationToken, Task<GitRepository?>>? findRepository = null,
    Func<Artifact, CancellationToken, Task<string>>? downloadArtifact = null)
{

    private readonly SourcePipeline _pipeline = new(store, options, time);

    /// <param name="secrets">Auth: the data of spec.secretRef (credentials for the transport); Proxy: the data of
    /// spec.proxySecretRef; Verification: the data of spec.verify.secretRef (PGP public keys).</param>
    public async Task<ReconcileResult<GitRepositoryStatus>> ReconcileAsync(
        GitRepository repository, ReferencedSecrets secrets, CancellationToken cancellationToken)
    {
        var previous = repository.Status ?? new GitRepositoryStatus();
        if (repository.Spec.Suspend == true)
            return new ReconcileResult<GitRepositoryStatus>(previous, [], Requeue.OnChange);

        var spec = repository.Spec;
        var generation = repository.Metadata.Generation ?? 0;
        var origin = new Origin(this, Owner(repository), spec, secrets, previous);
        var outcome = await _pipeline.RunAsync(origin, Owner(repository), generation, previous.Conditions, previous.Artifact,
            spec.Interval, cancellationToken);
        var status = previous with
        {
            LastHandledReconcileAt = LastHandledReconcileAt(repository.Metadata, previous.LastHandledReconcileAt),
            Conditions = outcome.Conditions,
            ObservedGeneration = outcome.Observed ? generation : previous.ObservedGeneration,
            Artifact = outcome.Artifact ?? previous.Artifact,
        };
        if (origin.Verified)
            status = status with { SourceVerificationMode = origin.VerificationMode };
        if (outcome.Rebuilt)
            status = status with
            {
                ObservedIgnore = spec.Ignore,
                // Flux's field is a bool left out when false.
                ObservedRecurseSubmodules = spec.RecurseSubmodules == true ? true : null,
                ObservedInclude = spec.Include,
                IncludedArtifacts = spec.Include is null ? null : origin.Included,
                ObservedSparseCheckout = spec.SparseCheckout,
            };
        return new ReconcileResult<GitRepositoryStatus>(status, outcome.Events, outcome.Requeue);
    }

    /// <summary>A Git reference: fetched into the clone cache, its signatures verified and its includes resolved;
    /// the artifact is the exported commit with the includes copied in.</summary>
    private sealed class Origin(GitRepositoryReconciler reconciler, ArtifactOwner owner, GitRepositorySpec spec,
        ReferencedSecrets secrets, GitRepositoryStatus previous) : SourceOrigin
    {
        private GitRevision? _revision;

        public IReadOnlyList<Artifact> Included { get; private set; } = [];

        /// <summary>Whether verification ran (then <see cref="VerificationMode"/> is what it verified, or null).</summary>
        public bool Verified { get; private set; }

        public string? VerificationMode { get; private set; }

        public override async Task<string> FetchAsync(SourceRun run, CancellationToken cancellationToken)
        {
            _revision = await reconciler.FetchAsync(owner, spec, FetchOptions(owner, spec, secrets), cancellationToken);
            run.Conditions.Delete(ConditionTypes.FetchFailed);
            VerificationMode = await reconciler.VerifyAsync(owner, spec, _revision, secrets, run.Conditions, cancellationToken);
            Verified = true;
            Included = await reconciler.ResolveIncludesAsync(owner, spec, cancellationToken);
            return _revision.Revision;
        }

        public override bool ContentConfigChanged => GitRepositoryReconciler.ContentConfigChanged(spec, previous, Included);

        public override Task<Artifact> BuildAsync(SourceRun run, CancellationToken cancellationToken) =>
            reconciler.BuildArtifactAsync(run, spec, _revision!, Included, cancellationToken);

        public override string NewRevision(string revision) => $"new upstream revision '{revision}'";

        public override string NewArtifactMessage(Artifact built) => $"stored artifact for commit '{ShortMessage(_revision!.Message)}'";

        public override string RecoveredMessage(Artifact artifact) => NewArtifactMessage(artifact);

        /// <summary>Signature failures set SourceVerified=False and include failures IncludeUnavailable=True.</summary>
        public override (string Type, bool Status) FailureCondition(ReconcileFailure failure) =>
            VerificationReasons.Contains(failure.Reason) ? (ConditionTypes.SourceVerified, false)
            : IncludeReasons.Contains(failure.Reason) ? (ConditionTypes.IncludeUnavailable, true)
            : base.FailureCondition(failure);
    }

    /// <summary>Cleans up after a deleted GitRepository: its artifacts and its cached clone.</summary>
    public async Task DeleteAsync(GitRepository repository, CancellationToken cancellationToken)
    {
        var owner = Owner(repository);
        store.DeleteAll(owner);
        await fetcher.DeleteCacheAsync(owner.ToString(), cancellationToken);
    }

    private static ArtifactOwner Owner(GitRepository repository) =>
        new(GitRepository.KindName, repository.Metadata.NamespaceProperty ?? "default", repository.Metadata.Name);

    /// <summary>Failures of signature verification: they set SourceVerified=False rather than FetchFailed.</summary>
    private static readonly HashSet<string> VerificationReasons =
        [ConditionReasons.VerificationError, "InvalidVerificationMode", "InvalidGitObject", "InvalidTagSignature", "InvalidCommitSignature"];

    /// <summary>Failures of spec.include: they set IncludeUnavailable=True.</summary>
    private static readonly HashSet<string> IncludeReasons = ["NotFound", "NoArtifact", "CopyFailure"];

    /// <summary>The artifacts of the included GitRepositories, in spec order (Flux waits while one is missing).</summary>
    private async Task<IReadOnlyList<Artifact>> ResolveIncludesAsync(ArtifactOwner owner, GitRepositorySpec spec, CancellationToken cancellationToken)
    {
        var artifacts = new List<Artifact>();
        foreach (var include in spec.Include ?? [])
        {
            var name = include.GitRepositoryRef.Name;
            var found = findRepository is null ? null : await findRepository(owner.Namespace, name, cancellationToken);
            if (found is null)
                throw new ReconcileFailure("NotFound",
                    $"could not get resource for include '{name}': gitrepositories.source.toolkit.fluxcd.io \"{name}\" not found");
            if (found.Status?.Artifact is not { } artifact || (!store.Exists(artifact.Path) && downloadArtifact is null))
                throw new ReconcileFailure("NoArtifact", $"no artifact available for include '{name}'");
            artifacts.Add(artifact);
        }
        return artifacts;
    }

    /// <summary>Copies each include's fromPath (of its unpacked artifact) to toPath (default: its name) in the tree.</summary>
    private async Task CopyIncludesAsync(GitRepositorySpec spec, IReadOnlyList<Artifact> included, string tree, CancellationToken cancellationToken)
    {
        for (var i = 0; i < included.Count; i++)
        {
            var include = spec.Include![i];
            var name = include.GitRepositoryRef.Name;
            var fromPath = include.FromPath ?? "";
            var toPath = string.IsNullOrEmpty(include.ToPath) ? name : include.ToPath;
            var destination = SecureJoin(tree, toPath);
            var unpacked = tree + "-include-" + i;
            try
            {
                await using (var file = store.Exists(included[i].Path)
                                 ? store.Open(included[i].Path)
                                 : File.OpenRead(await downloadArtifact!(included[i], cancellationToken)))
                    await TarballUnpacker.UnpackAsync(file, unpacked, options.UnpackLimits, cancellationToken);
                var source = SecureJoin(unpacked, fromPath);
                if (!Directory.Exists(source))
                    throw new DirectoryNotFoundException($"'{fromPath}' does not exist in the artifact");
                CopyDirectory(source, destination);
            }
            catch (Exception e) when (e is ArtifactException or UnsafeArchiveException)
            {
                throw new ReconcileFailure("NoArtifact", $"artifact of include '{name}' could not be fetched: {e.Message}", inner: e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ReconcileFailure("CopyFailure",
                    $"failed to copy '{name}' include from {fromPath} to {toPath}: {e.Message}", inner: e);
            }
            finally
            {
                if (Directory.Exists(unpacked))
                    Directory.Delete(unpacked, recursive: true);
            }
        }
    }

    /// <summary>Joins a user path under root as Flux's securejoin does: '..' cannot climb above root (the path is
    /// resolved as if root were '/').</summary>
    private static string SecureJoin(string root, string path)
    {
        var resolved = Path.GetFullPath(Path.Combine("/", path.Replace('\\', '/')));
        return Path.Combine(root, resolved.TrimStart('/'));
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>Verifies the PGP signatures spec.verify asks for (Flux's verifySignature): the tag object for Tag and
    /// TagAndHEAD, the commit for HEAD and TagAndHEAD. Returns the verified mode for status.sourceVerificationMode.</summary>
    private async Task<string?> VerifyAsync(ArtifactOwner owner, GitRepositorySpec spec, GitRevision revision,
        ReferencedSecrets secrets, ConditionSet conditions, CancellationToken cancellationToken)
    {
        if (spec.Verification is not { Mode: not "" } verification)
        {
            conditions.Delete(ConditionTypes.SourceVerified);
            return null;
        }
        if (secrets.Verification is not { } keys)
            throw new ReconcileFailure(ConditionReasons.VerificationError,
                $"PGP public keys secret error: secret '{owner.Namespace}/{verification.SecretRef.Name}' not found");
        var mode = verification.Mode is null or "head" ? "HEAD" : verification.Mode;
        var rings = keys.Values.ToList();
        var message = new System.Text.StringBuilder("verified signature of");
        if (mode is "Tag" or "TagAndHEAD")
        {
            if (revision.Reference?.StartsWith("refs/tags/", StringComparison.Ordinal) != true)
                throw new ReconcileFailure("InvalidVerificationMode",
                    "cannot verify tag object's signature if a tag reference is not specified", terminal: true);
            var tagName = revision.Reference["refs/tags/".Length..];
            var rawTag = revision.TagObject is null ? null : await fetcher.ReadObjectAsync(owner.ToString(), "tag", revision.TagObject, cancellationToken);
            var tag = $"{tagName}@{revision.TagObject ?? revision.Commit}";
            if (rawTag is null || !GitSignatureVerifier.IsSignedTag(rawTag))
                throw new ReconcileFailure("InvalidGitObject", $"cannot verify signature of tag '{tag}' since it is not signed");
            try
            {
                var key = GitSignatureVerifier.VerifyTag(rawTag, rings);
                message.Append($"\n\t- tag '{tag}' with key '{key}'");
            }
            catch (InvalidDataException e)
            {
                throw new ReconcileFailure("InvalidTagSignature", $"signature verification of tag '{tag}' failed: {e.Message}");
            }
        }
        if (mode is "HEAD" or "TagAndHEAD")
        {
            var rawCommit = await fetcher.ReadObjectAsync(owner.ToString(), "commit", revision.Commit, cancellationToken);
            try
            {
                var key = GitSignatureVerifier.VerifyCommit(rawCommit, rings);
                message.Append($"\n\t- commit '{revision.Commit}' with key '{key}'");
            }
            catch (InvalidDataException e)
            {
                throw new ReconcileFailure("InvalidCommitSignature", $"signature verification of commit '{revision.Commit}' failed: {e.Message}");
            }
        }
        conditions.MarkTrue(ConditionTypes.SourceVerified, ConditionReasons.Succeeded, message.ToString());
        return mode;
    }

    /// <summary>The proxy of spec.proxySecretRef and the credentials of spec.secretRef (checked in that order, as
    /// source-controller does); a named Secret that cannot be read, or a proxy Secret without an address, fails
    /// with AuthenticationFailed as in Flux.</summary>
    private static GitFetchOptions FetchOptions(ArtifactOwner owner, GitRepositorySpec spec, ReferencedSecrets secrets)
    {
        GitProxy? proxy = null;
        if (spec.ProxySecretRef is not null)
        {
            try
            {
                proxy = GitProxy.FromSecret(owner.Namespace, spec.ProxySecretRef.Name, secrets.Proxy);
            }
            catch (SourceFetchException e)
            {
                throw new ReconcileFailure(e.Reason, e.Message, e.Terminal, e);
            }
        }
        GitCredentials? credentials = null;
        if (spec.SecretRef is not null)
        {
            if (secrets.Auth is null)
                throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                    $"failed to get secret '{owner.Namespace}/{spec.SecretRef.Name}': secret not found or empty");
            credentials = GitCredentials.FromSecret(secrets.Auth);
        }
        return new GitFetchOptions { Credentials = credentials, Proxy = proxy, RecurseSubmodules = spec.RecurseSubmodules == true };
    }

    private async Task<GitRevision> FetchAsync(
        ArtifactOwner owner, GitRepositorySpec spec, GitFetchOptions fetchOptions, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.GetTimeout());
        try
        {
            return await fetcher.FetchAsync(owner.ToString(), spec.Url, spec.Reference, fetchOptions, timeout.Token);
        }
        catch (SourceFetchException e)
        {
            throw new ReconcileFailure(e.Reason, e.Message, e.Terminal, e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReconcileFailure(ConditionReasons.GitOperationFailed,
                $"failed to checkout and determine revision: timed out after {new GoDuration(spec.GetTimeout())} fetching '{spec.Url}'");
        }
    }

    /// <summary>Exports the commit, packs it with the ignore rules and stores the tarball.</summary>
    private async Task<Artifact> BuildArtifactAsync(
        SourceRun run, GitRepositorySpec spec, GitRevision revision, IReadOnlyList<Artifact> included, CancellationToken cancellationToken)
    {
        var tree = options.NewWorkDirectory("tide-git");
        try
        {
            await fetcher.ExportAsync(run.Owner.ToString(), revision.Commit, tree, spec.SparseCheckout, spec.RecurseSubmodules == true, cancellationToken);
            await CopyIncludesAsync(spec, included, tree, cancellationToken);
            var ignore = SourceIgnore.ForDirectory(tree, spec.Ignore);
            var stored = await store.PutAsync(run.Owner,
                (stream, ct) => TarballPacker.PackAsync(tree, stream, ignore.IsExcluded, ct), cancellationToken);
            return run.ArtifactOf(stored, revision.Revision);
        }
        finally
        {
            if (Directory.Exists(tree))
                Directory.Delete(tree, recursive: true);
        }
    }

    /// <summary>Whether settings that shape the artifact's content changed since it was built (Flux's
    /// gitContentConfigChanged, for the settings Tide implements): includes compare by spec and by the included
    /// artifacts' revision and digest. Turning recurseSubmodules on or off rebuilds the artifact of the same commit.</summary>
    private static bool ContentConfigChanged(GitRepositorySpec spec, GitRepositoryStatus status, IReadOnlyList<Artifact> included) =>
        spec.Ignore != status.ObservedIgnore ||
        (spec.RecurseSubmodules == true) != (status.ObservedRecurseSubmodules == true) ||
        !(spec.SparseCheckout ?? []).SequenceEqual(status.ObservedSparseCheckout ?? []) ||
        !(spec.Include ?? []).SequenceEqual(status.ObservedInclude ?? []) ||
        !included.Select(a => (a.Revision, a.Digest)).SequenceEqual((status.IncludedArtifacts ?? []).Select(a => (a.Revision, a.Digest)));

    /// <summary>The first line of a commit message, cut at 50 characters as Flux does.</summary>
    private static string ShortMessage(string message)
    {
        var subject = message.Split('\n')[0];
        return subject.Length > 50 ? subject[..50] + "..." : subject;
    }
}
