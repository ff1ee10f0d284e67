using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Oci;
using Tide.Engine.Tests.Fixtures;

namespace Tide.Engine.Tests.Sources.Oci;

/// <summary>A registry serving HTTPS with a certificate from a private CA: certSecretRef's ca.crt makes it trusted.</summary>
public sealed class OciTlsTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private string _caPem = null!;
    private OciRegistryServer _registry = null!;

    public async Task InitializeAsync()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=tide-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);

        _caPem = ca.ExportCertificatePem();
        _registry = await OciRegistryServer.StartAsync(tls: (server.ExportCertificatePem(), serverKey.ExportPkcs8PrivateKeyPem()));
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private OciRepository Repository(bool withCa) => new()
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "apps", Generation = 1 },
        Spec = new OciRepositorySpec
        {
            Url = _registry.UrlFor("team/app"),
            Interval = GoDuration.Parse("1m"),
            CertSecretRef = withCa ? new LocalObjectReference { Name = "registry-ca" } : null,
        },
    };

    private Dictionary<string, byte[]> CaSecret => new() { [TlsHttpClient.CaKey] = Encoding.UTF8.GetBytes(_caPem) };

    private OciRepositoryReconciler Reconciler() => new(_http, new ArtifactStore(_temp.Combine("store"), TimeProvider.System),
        new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work") }, TimeProvider.System);

    [Fact]
    public async Task Reconcile_WithCertSecretRef_TrustsThePrivateCa()
    {
        _temp.Write("src/app.yaml", "kind: ConfigMap\n");
        using (var trusting = TlsHttpClient.Create(CaSecret, "registry-ca"))
            await FluxArtifact.PushAsync(new OciClient(trusting, _registry.Host, insecure: false, null),
                OciReference.Parse(_registry.UrlFor("team/app")), _temp.Combine("src"), null, null, DateTimeOffset.UtcNow, CancellationToken.None);

        var result = await Reconciler().ReconcileAsync(Repository(withCa: true), new ReferencedSecrets { Cert = CaSecret }, CancellationToken.None);

        Assert.Equal(ConditionStatus.True, result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Status);
        Assert.StartsWith("latest@sha256:", result.Status.Artifact!.Revision);
    }

    [Fact]
    public async Task Reconcile_WithoutCa_FailsToConnect()
    {
        var result = await Reconciler().ReconcileAsync(Repository(withCa: false), ReferencedSecrets.None, CancellationToken.None);

        var ready = result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, OciRepository.PullFailedReason), (ready.Status, ready.Reason));
        Assert.StartsWith($"failed to determine artifact digest: GET https://{_registry.Host}/v2/team/app/manifests/latest:", ready.Message);
    }

    [Fact]
    public async Task Reconcile_CertSecretMissing_FailsWithAuthenticationFailed()
    {
        var result = await Reconciler().ReconcileAsync(Repository(withCa: true), ReferencedSecrets.None, CancellationToken.None);

        var ready = result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionReasons.AuthenticationFailed, "failed to get secret 'apps/registry-ca': secrets \"registry-ca\" not found"),
            (ready.Reason, ready.Message));
    }
}
