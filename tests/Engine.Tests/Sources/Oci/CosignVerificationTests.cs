using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Oci;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Oci;

/// <summary>OCIRepository spec.verify with provider cosign and public keys, against a real registry (Debian's
/// docker-registry). Keys and signatures come from the openssl CLI; the signatures are pushed in cosign's format
/// with raw registry calls (<see cref="CosignSignature"/>).</summary>
public sealed class CosignVerificationTests : IAsyncLifetime
{
    private const string Repo = "tide/app";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private readonly List<OpensslSigningKey> _keys = [];
    private OciRegistryServer _registry = null!;
    private OciClient _client = null!;
    private ArtifactStore _store = null!;
    private OciRepositoryReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _registry = await OciRegistryServer.StartAsync();
        _client = new OciClient(_http, _registry.Host, insecure: true, credentials: null);
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        _reconciler = new OciRepositoryReconciler(_http, _store,
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _keys.ForEach(k => k.Dispose());
        _http.Dispose();
        _temp.Dispose();
    }

    private OciRepository Repository(OciRepositoryVerification? verify, long generation = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "apps", Generation = generation },
        Spec = new OciRepositorySpec
        {
            Url = _registry.UrlFor(Repo),
            Interval = GoDuration.Parse("5m"),
            Insecure = true,
            Verify = verify,
        },
    };

    private static OciRepositoryVerification WithKeys() =>
        new() { Provider = "cosign", SecretRef = new LocalObjectReference { Name = "cosign-keys" } };

    private static ReferencedSecrets Keys(params (string Name, OpensslSigningKey Key)[] keys) => new()
    {
        Verification = keys.ToDictionary(k => k.Name, k => Encoding.UTF8.GetBytes(k.Key.PublicKeyPem)),
    };

    private async Task<OpensslSigningKey> TrackAsync(Task<OpensslSigningKey> create)
    {
        var key = await create;
        _keys.Add(key);
        return key;
    }

    /// <summary>Pushes a Flux artifact with one file under a tag; returns its manifest digest.</summary>
    private async Task<string> PushArtifactAsync(string tag, string content)
    {
        var directory = _temp.Combine("push-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "app.yaml"), content);
        await FluxArtifact.PushAsync(_client, OciReference.Parse($"{_registry.UrlFor(Repo)}:{tag}"), directory,
            "https://github.com/example/app", "main@sha1:0123456789abcdef0123456789abcdef01234567", _time.GetUtcNow(), CancellationToken.None);
        return (await _client.GetManifestAsync(Repo, tag, CancellationToken.None)).Digest;
    }

    private Task SignAsync(OpensslSigningKey key, string signedDigest, string? payloadDigest = null) =>
        CosignSignature.PushAsync(_http, _registry.Host, Repo, signedDigest, key, payloadDigest);

    private static Condition Get(OciRepositoryStatus status, string type) => status.Conditions!.Single(c => c.Type == type);

    private string NoMatch(string tag) =>
        $"failed to verify the signature using provider 'cosign': no matching signatures were found for '{_registry.Host}/{Repo}:{tag}'";

    /// <summary>The verification failed: SourceVerified=False and Ready=False with VerificationError, no artifact
    /// advanced, retried with backoff (not stalled: a signature may still be pushed).</summary>
    private static void AssertVerificationFailed(ReconcileResult<OciRepositoryStatus> result, string message)
    {
        var verified = Get(result.Status, ConditionTypes.SourceVerified);
        Assert.Equal((ConditionStatus.False, ConditionReasons.VerificationError, message), (verified.Status, verified.Reason, verified.Message));
        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.VerificationError), (ready.Status, ready.Reason));
        Assert.DoesNotContain(result.Status.Conditions!, c => c.Type == ConditionTypes.Stalled);
        Assert.Equal(Requeue.WithBackoff(TimeSpan.FromMinutes(5)), result.Requeue);
    }

    [Fact]
    public async Task Reconcile_SignedWithTheKey_VerifiesAndStores()
    {
        var key = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var digest = await PushArtifactAsync("latest", "kind: ConfigMap\n");
        await SignAsync(key, digest);

        var result = await _reconciler.ReconcileAsync(Repository(WithKeys()), Keys(("cosign.pub", key)), CancellationToken.None);

        var verified = Get(result.Status, ConditionTypes.SourceVerified);
        Assert.Equal((ConditionStatus.True, ConditionReasons.Succeeded, $"verified signature of revision latest@{digest}"),
            (verified.Status, verified.Reason, verified.Message));
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.Ready).Status);
        Assert.Equal($"latest@{digest}", result.Status.Artifact!.Revision);
        Assert.True(_store.Exists(result.Status.Artifact.Path));
    }

    [Fact]
    public async Task Reconcile_Unsigned_FailsAndStoresNothing()
    {
        var key = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        await PushArtifactAsync("v1", "kind: ConfigMap\n");

        var result = await _reconciler.ReconcileAsync(
            Repository(WithKeys()) with { Spec = Repository(WithKeys()).Spec with { Reference = new OciRepositoryRef { Tag = "v1" } } },
            Keys(("cosign.pub", key)), CancellationToken.None);

        AssertVerificationFailed(result, NoMatch("v1"));
        Assert.Null(result.Status.Artifact);
        Assert.False(Directory.Exists(_temp.Combine("store", "ocirepository")) &&
                     Directory.EnumerateFiles(_temp.Combine("store", "ocirepository"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Reconcile_SignedWithAnotherKey_Fails()
    {
        var trusted = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var other = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var digest = await PushArtifactAsync("latest", "kind: ConfigMap\n");
        await SignAsync(other, digest);

        var result = await _reconciler.ReconcileAsync(Repository(WithKeys()), Keys(("cosign.pub", trusted)), CancellationToken.None);

        AssertVerificationFailed(result, NoMatch("latest"));
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_ValidSignatureOfAnotherDigest_Fails()
    {
        var key = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var signedElsewhere = await PushArtifactAsync("v1", "kind: ConfigMap\n");
        var digest = await PushArtifactAsync("latest", "kind: Secret\n");
        // A genuine signature, but of v1: copied under latest's signature tag it must not vouch for latest.
        await SignAsync(key, digest, payloadDigest: signedElsewhere);

        var result = await _reconciler.ReconcileAsync(Repository(WithKeys()), Keys(("cosign.pub", key)), CancellationToken.None);

        AssertVerificationFailed(result, NoMatch("latest"));
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_SecondOfTwoKeysMatches_Verifies()
    {
        var first = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var second = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var digest = await PushArtifactAsync("latest", "kind: ConfigMap\n");
        await SignAsync(second, digest);
        var secrets = new ReferencedSecrets
        {
            Verification = new Dictionary<string, byte[]>
            {
                ["a.pub"] = Encoding.UTF8.GetBytes(first.PublicKeyPem),
                ["b.pub"] = Encoding.UTF8.GetBytes(second.PublicKeyPem),
                // Only keys named *.pub are public keys; anything else in the Secret is not read.
                ["cosign.key"] = "not a key"u8.ToArray(),
            },
        };

        var result = await _reconciler.ReconcileAsync(Repository(WithKeys()), secrets, CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.SourceVerified).Status);
        Assert.Equal($"latest@{digest}", result.Status.Artifact!.Revision);
    }

    public static TheoryData<string> Algorithms => ["P-384", "RSA", "Ed25519"];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Reconcile_OtherKeyAlgorithms_Verify(string algorithm)
    {
        var key = await TrackAsync(algorithm switch
        {
            "P-384" => OpensslSigningKey.EcdsaAsync("secp384r1"),
            "RSA" => OpensslSigningKey.RsaAsync(),
            _ => OpensslSigningKey.Ed25519Async(),
        });
        var digest = await PushArtifactAsync("latest", "kind: ConfigMap\n");
        await SignAsync(key, digest);

        var result = await _reconciler.ReconcileAsync(Repository(WithKeys()), Keys(("cosign.pub", key)), CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.SourceVerified).Status);
        Assert.NotNull(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_TagMovesToAnUnsignedArtifact_KeepsTheVerifiedArtifact()
    {
        var key = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var signed = await PushArtifactAsync("latest", "kind: ConfigMap\n");
        await SignAsync(key, signed);
        var first = await _reconciler.ReconcileAsync(Repository(WithKeys()), Keys(("cosign.pub", key)), CancellationToken.None);
        await PushArtifactAsync("latest", "kind: Secret\n");

        var second = await _reconciler.ReconcileAsync(Repository(WithKeys()) with { Status = first.Status }, Keys(("cosign.pub", key)),
            CancellationToken.None);

        AssertVerificationFailed(second, NoMatch("latest"));
        Assert.Equal(first.Status.Artifact, second.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_VerifiedRevision_IsVerifiedAgainOnlyWhenTheSpecChanges()
    {
        var key = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var stranger = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        var digest = await PushArtifactAsync("latest", "kind: ConfigMap\n");
        await SignAsync(key, digest);
        var first = await _reconciler.ReconcileAsync(Repository(WithKeys()), Keys(("cosign.pub", key)), CancellationToken.None);

        // Same revision and generation: no verification runs, so the changed keys are not consulted (as in Flux).
        var unchanged = await _reconciler.ReconcileAsync(Repository(WithKeys()) with { Status = first.Status },
            Keys(("cosign.pub", stranger)), CancellationToken.None);
        Assert.Equal(ConditionStatus.True, Get(unchanged.Status, ConditionTypes.SourceVerified).Status);
        Assert.Equal(ConditionStatus.True, Get(unchanged.Status, ConditionTypes.Ready).Status);

        // A new generation verifies again, with the keys as they are now.
        var changed = await _reconciler.ReconcileAsync(Repository(WithKeys(), generation: 2) with { Status = unchanged.Status },
            Keys(("cosign.pub", stranger)), CancellationToken.None);
        AssertVerificationFailed(changed, NoMatch("latest"));
        Assert.Equal(first.Status.Artifact, changed.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_VerifyRemoved_DropsSourceVerified()
    {
        var key = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        await SignAsync(key, await PushArtifactAsync("latest", "kind: ConfigMap\n"));
        var first = await _reconciler.ReconcileAsync(Repository(WithKeys()), Keys(("cosign.pub", key)), CancellationToken.None);

        var result = await _reconciler.ReconcileAsync(Repository(null, generation: 2) with { Status = first.Status },
            ReferencedSecrets.None, CancellationToken.None);

        Assert.DoesNotContain(result.Status.Conditions!, c => c.Type == ConditionTypes.SourceVerified);
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.Ready).Status);
    }

    [Fact]
    public async Task Reconcile_KeySecretMissing_FailsNamingTheSecret()
    {
        await PushArtifactAsync("latest", "kind: ConfigMap\n");

        var result = await _reconciler.ReconcileAsync(Repository(WithKeys()), ReferencedSecrets.None, CancellationToken.None);

        AssertVerificationFailed(result,
            "failed to verify the signature using provider 'cosign': failed to get secret 'apps/cosign-keys': secrets \"cosign-keys\" not found");
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_InvalidPublicKey_FailsNamingTheKey()
    {
        var key = await TrackAsync(OpensslSigningKey.EcdsaAsync());
        await SignAsync(key, await PushArtifactAsync("latest", "kind: ConfigMap\n"));
        var secrets = new ReferencedSecrets { Verification = new Dictionary<string, byte[]> { ["cosign.pub"] = "garbage"u8.ToArray() } };

        var result = await _reconciler.ReconcileAsync(Repository(WithKeys()), secrets, CancellationToken.None);

        var verified = Get(result.Status, ConditionTypes.SourceVerified);
        Assert.Equal((ConditionStatus.False, ConditionReasons.VerificationError), (verified.Status, verified.Reason));
        Assert.StartsWith("failed to verify the signature using provider 'cosign': invalid public key 'cosign.pub'", verified.Message);
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_Keyless_IsRefusedAsUnsupportedRatherThanSkipped()
    {
        await PushArtifactAsync("latest", "kind: ConfigMap\n");

        var result = await _reconciler.ReconcileAsync(Repository(new OciRepositoryVerification { Provider = "cosign" }),
            ReferencedSecrets.None, CancellationToken.None);

        var verified = Get(result.Status, ConditionTypes.SourceVerified);
        Assert.Equal((ConditionStatus.False, ConditionReasons.VerificationError), (verified.Status, verified.Reason));
        Assert.StartsWith("failed to verify the signature using provider 'cosign keyless': keyless verification is not supported", verified.Message);
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.Stalled).Status);
        Assert.Equal(Requeue.OnChange, result.Requeue);
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_Notation_IsRefusedAsUnsupported()
    {
        await PushArtifactAsync("latest", "kind: ConfigMap\n");

        var result = await _reconciler.ReconcileAsync(Repository(WithKeys() with { Provider = "notation" }),
            ReferencedSecrets.None, CancellationToken.None);

        var verified = Get(result.Status, ConditionTypes.SourceVerified);
        Assert.Equal("failed to verify the signature using provider 'notation': provider 'notation' is not supported by Tide", verified.Message);
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.Stalled).Status);
        Assert.Null(result.Status.Artifact);
    }
}
