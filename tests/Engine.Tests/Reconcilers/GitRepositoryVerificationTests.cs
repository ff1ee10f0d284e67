using System.Runtime.Versioning;
using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Reconcilers;

/// <summary>spec.verify: commits and tags signed by the real gpg, verified against keys from a Secret.</summary>
[SupportedOSPlatform("linux")]
public sealed class GitRepositoryVerificationTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private GpgSigner _signer = null!;
    private GpgSigner _stranger = null!;
    private WorkRepository _repo = null!;
    private GitRepositoryReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _signer = await GpgSigner.CreateAsync("Trusted Signer");
        _stranger = await GpgSigner.CreateAsync("Untrusted Signer");
        _repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        _reconciler = new GitRepositoryReconciler(
            new GitFetcher(_temp.Combine("cache"), allowLocal: true), new ArtifactStore(_temp.Combine("store"), _time),
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work-dirs") }, _time);
    }

    public Task DisposeAsync()
    {
        _signer.Dispose();
        _stranger.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private GitRepository Repository(string mode, GitRepositoryRef reference) => new()
    {
        Metadata = new V1ObjectMeta { Name = "signed", NamespaceProperty = "apps", Generation = 1 },
        Spec = new GitRepositorySpec
        {
            Url = _repo.Path,
            Interval = GoDuration.Parse("1m"),
            Reference = reference,
            Verification = new GitRepositoryVerification { Mode = mode, SecretRef = new LocalObjectReference { Name = "pgp-keys" } },
        },
    };

    private ReferencedSecrets Keys(params GpgSigner[] signers) => new()
    {
        Verification = signers.Select((s, i) => (Key: $"key{i}.asc", Value: Encoding.UTF8.GetBytes(s.PublicKey)))
            .ToDictionary(kv => kv.Key, kv => kv.Value),
    };

    private Task<ReconcileResult<GitRepositoryStatus>> ReconcileAsync(GitRepository repository, ReferencedSecrets secrets) =>
        _reconciler.ReconcileAsync(repository, secrets, CancellationToken.None);

    private static Condition Get(ReconcileResult<GitRepositoryStatus> result, string type) =>
        result.Status.Conditions!.Single(c => c.Type == type);

    [Fact]
    public async Task Head_SignedCommit_IsVerifiedWithTheKeyId()
    {
        var sha = await _signer.CommitAsync(_repo, "signed", ("app.yaml", "a"));

        var result = await ReconcileAsync(Repository("HEAD", new GitRepositoryRef { Branch = "main" }), Keys(_stranger, _signer));

        var verified = Get(result, ConditionTypes.SourceVerified);
        Assert.Equal((ConditionStatus.True, ConditionReasons.Succeeded), (verified.Status, verified.Reason));
        Assert.Equal($"verified signature of\n\t- commit '{sha}' with key '{_signer.KeyId}'", verified.Message);
        Assert.Equal("HEAD", result.Status.SourceVerificationMode);
        Assert.Equal(ConditionStatus.True, Get(result, ConditionTypes.Ready).Status);
        Assert.Equal($"main@sha1:{sha}", result.Status.Artifact!.Revision);
    }

    [Fact]
    public async Task Head_UnsignedCommit_IsRejectedAndNoArtifactIsStored()
    {
        var sha = await _repo.CommitAsync("unsigned", ("app.yaml", "a"));

        var result = await ReconcileAsync(Repository("HEAD", new GitRepositoryRef { Branch = "main" }), Keys(_signer));

        var message = $"signature verification of commit '{sha}' failed: unable to verify Git commit: commit is not signed";
        var verified = Get(result, ConditionTypes.SourceVerified);
        Assert.Equal((ConditionStatus.False, "InvalidCommitSignature", message), (verified.Status, verified.Reason, verified.Message));
        var ready = Get(result, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, "InvalidCommitSignature", message), (ready.Status, ready.Reason, ready.Message));
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Head_CommitSignedByAnUntrustedKey_IsRejected()
    {
        var sha = await _stranger.CommitAsync(_repo, "signed by someone else", ("app.yaml", "a"));

        var result = await ReconcileAsync(Repository("head", new GitRepositoryRef { Branch = "main" }), Keys(_signer));

        var ready = Get(result, ConditionTypes.Ready);
        Assert.Equal("InvalidCommitSignature", ready.Reason);
        Assert.Equal($"signature verification of commit '{sha}' failed: unable to verify Git commit: unable to verify payload with any of the given key rings",
            ready.Message);
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task TagAndHead_SignedTagAndCommit_AreBothVerified()
    {
        var sha = await _signer.CommitAsync(_repo, "release", ("app.yaml", "v1"));
        await _signer.TagAsync(_repo, "v1.0.0");
        var tagObject = await GitCli.RunAsync(_repo.Path, "rev-parse", "v1.0.0");

        var result = await ReconcileAsync(Repository("TagAndHEAD", new GitRepositoryRef { Tag = "v1.0.0" }), Keys(_signer));

        var verified = Get(result, ConditionTypes.SourceVerified);
        Assert.Equal(ConditionStatus.True, verified.Status);
        Assert.Equal($"verified signature of\n\t- tag 'v1.0.0@{tagObject}' with key '{_signer.KeyId}'\n\t- commit '{sha}' with key '{_signer.KeyId}'",
            verified.Message);
        Assert.Equal("TagAndHEAD", result.Status.SourceVerificationMode);
        Assert.Equal($"v1.0.0@sha1:{sha}", result.Status.Artifact!.Revision);
    }

    [Fact]
    public async Task Tag_UnsignedAnnotatedTag_IsRejected_AndTagSignedByStranger_Too()
    {
        await _signer.CommitAsync(_repo, "release", ("app.yaml", "v1"));
        await _repo.TagAsync("v1.0.0", "unsigned release");
        var unsignedTag = await GitCli.RunAsync(_repo.Path, "rev-parse", "v1.0.0");
        await _stranger.TagAsync(_repo, "v1.1.0");
        var strangerTag = await GitCli.RunAsync(_repo.Path, "rev-parse", "v1.1.0");

        var unsigned = await ReconcileAsync(Repository("Tag", new GitRepositoryRef { Tag = "v1.0.0" }), Keys(_signer));
        var stranger = await ReconcileAsync(Repository("Tag", new GitRepositoryRef { Tag = "v1.1.0" }), Keys(_signer));

        var first = Get(unsigned, ConditionTypes.SourceVerified);
        Assert.Equal(("InvalidGitObject", $"cannot verify signature of tag 'v1.0.0@{unsignedTag}' since it is not signed"), (first.Reason, first.Message));
        var second = Get(stranger, ConditionTypes.SourceVerified);
        Assert.Equal(("InvalidTagSignature",
            $"signature verification of tag 'v1.1.0@{strangerTag}' failed: unable to verify Git tag: unable to verify payload with any of the given key rings"),
            (second.Reason, second.Message));
    }

    [Fact]
    public async Task Tag_WithABranchReference_IsStalled()
    {
        await _signer.CommitAsync(_repo, "signed", ("app.yaml", "a"));

        var result = await ReconcileAsync(Repository("Tag", new GitRepositoryRef { Branch = "main" }), Keys(_signer));

        var ready = Get(result, ConditionTypes.Ready);
        Assert.Equal(("InvalidVerificationMode", "cannot verify tag object's signature if a tag reference is not specified"), (ready.Reason, ready.Message));
        Assert.Equal(ConditionStatus.True, Get(result, ConditionTypes.Stalled).Status);
        Assert.Equal(RequeueMode.OnChange, result.Requeue.Mode);
    }

    [Fact]
    public async Task MissingKeySecret_IsAVerificationError()
    {
        await _signer.CommitAsync(_repo, "signed", ("app.yaml", "a"));

        var result = await ReconcileAsync(Repository("HEAD", new GitRepositoryRef { Branch = "main" }), ReferencedSecrets.None);

        var verified = Get(result, ConditionTypes.SourceVerified);
        Assert.Equal((ConditionStatus.False, ConditionReasons.VerificationError, "PGP public keys secret error: secret 'apps/pgp-keys' not found"),
            (verified.Status, verified.Reason, verified.Message));
    }
}
