using System.Text;
using Tide.Engine.Sources.Bucket;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A Kustomization applies from an OCIRepository (artifact pushed with `tide push artifact` to Debian's
/// docker-registry; verified with a cosign public key when spec.verify asks) and from a Bucket (s3rver; Azurite for
/// provider azure), like from a GitRepository.</summary>
public sealed class OtherSourcesTests
{
    [Fact]
    public async Task OciArtifact_PushedWithTheCli_IsAppliedThroughAnOCIRepository()
    {
        await using var registry = await OciRegistryServer.StartAsync();
        await using var env = await TideEnvironment.StartAsync();
        using var content = new TempDirectory();
        content.Write("app/settings.yaml", Manifests.ConfigMap("default", "from-oci", "v1"));
        var tide = Path.Combine(AppContext.BaseDirectory, "tide.dll");
        await ProcessRunner.RunCheckedAsync("dotnet", [tide, "push", "artifact", $"oci://{registry.Host}/apps/site:1.0.0",
            "--path", content.Path, "--source", "https://example.invalid/site.git", "--revision", "main@sha1:0123456789abcdef",
            "--insecure-registry"]);

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync($"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata:
              name: site
              namespace: flux-system
            spec:
              url: oci://{registry.Host}/apps/site
              insecure: true
              interval: 1m
              ref:
                semver: ">=1.0.0"
            """);
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("site", "site", "./app").Replace("kind: GitRepository", "kind: OCIRepository"));

        var revision = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("ocirepository/site", "flux-system", "{.status.artifact.revision}"),
            r => r?.StartsWith("1.0.0@sha256:", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "the OCI artifact");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "site", revision!);
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/from-oci", "default", "{.data.value}"));
    }

    [Fact]
    public async Task OciArtifact_SignedWithCosignKey_IsVerifiedAndApplied_UnsignedIsRefused()
    {
        await using var registry = await OciRegistryServer.StartAsync();
        await using var env = await TideEnvironment.StartAsync();
        using var key = await OpensslSigningKey.EcdsaAsync();
        using var http = new HttpClient();
        using var content = new TempDirectory();
        content.Write("app/settings.yaml", Manifests.ConfigMap("default", "from-signed-oci", "v1"));
        content.Write("cosign.pub", key.PublicKeyPem);
        var tide = Path.Combine(AppContext.BaseDirectory, "tide.dll");
        foreach (var repository in new[] { "apps/signed", "apps/unsigned" })
            await ProcessRunner.RunCheckedAsync("dotnet", [tide, "push", "artifact", $"oci://{registry.Host}/{repository}:1.0.0",
                "--path", content.Combine("app"), "--source", "https://example.invalid/site.git", "--revision", "main@sha1:0123456789abcdef",
                "--insecure-registry"]);
        var digest = await CosignSignature.DigestAsync(http, registry.Host, "apps/signed", "1.0.0");
        await CosignSignature.PushAsync(http, registry.Host, "apps/signed", digest, key);

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("create", "secret", "generic", "cosign-keys", "-n", "flux-system",
            "--from-file=cosign.pub=" + content.Combine("cosign.pub"));
        foreach (var name in new[] { "signed", "unsigned" })
            await env.Kubectl.ApplyAsync($"""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata:
                  name: {name}
                  namespace: flux-system
                spec:
                  url: oci://{registry.Host}/apps/{name}
                  insecure: true
                  interval: 1m
                  ref:
                    tag: 1.0.0
                  verify:
                    provider: cosign
                    secretRef:
                      name: cosign-keys
                """);
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("signed", "signed", "./").Replace("kind: GitRepository", "kind: OCIRepository"));

        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "signed", $"1.0.0@{digest}");
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/from-signed-oci", "default", "{.data.value}"));
        Assert.Equal($"True verified signature of revision 1.0.0@{digest}", await env.Kubectl.JsonPathAsync("ocirepository/signed", "flux-system",
            "{.status.conditions[?(@.type==\"SourceVerified\")].status} {.status.conditions[?(@.type==\"SourceVerified\")].message}"));
        var refused = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("ocirepository/unsigned", "flux-system",
                "{.status.conditions[?(@.type==\"Ready\")].reason} {.status.conditions[?(@.type==\"Ready\")].message}"),
            r => r?.StartsWith("VerificationError", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "the refused signature");
        Assert.Equal($"VerificationError failed to verify the signature using provider 'cosign': no matching signatures were found for " +
            $"'{registry.Host}/apps/unsigned:1.0.0'", refused);
        Assert.Equal("", await env.Kubectl.JsonPathAsync("ocirepository/unsigned", "flux-system", "{.status.artifact.revision}"));
    }

    [Fact]
    public async Task BucketObjects_AreAppliedThroughABucket()
    {
        await using var s3 = await S3Server.StartAsync("configs");
        await using var env = await TideEnvironment.StartAsync();
        await s3.PutAsync("prod/settings.yaml", Manifests.ConfigMap("default", "from-bucket", "v1"));
        await s3.PutAsync("other/ignored.yaml", Manifests.ConfigMap("default", "not-under-prefix", "x"));
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("create", "secret", "generic", "s3-creds", "-n", "flux-system",
            "--from-literal=accesskey=" + S3Server.AccessKey, "--from-literal=secretkey=" + S3Server.SecretKey);
        await env.Kubectl.ApplyAsync($"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: Bucket
            metadata:
              name: configs
              namespace: flux-system
            spec:
              provider: generic
              bucketName: configs
              endpoint: {s3.Endpoint}
              insecure: true
              prefix: prod/
              interval: 1m
              secretRef:
                name: s3-creds
            """);
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("configs", "configs", "./").Replace("kind: GitRepository", "kind: Bucket"));

        var revision = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("bucket/configs", "flux-system", "{.status.artifact.revision}"),
            r => r?.StartsWith("sha256:", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "the bucket artifact");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "configs", revision!);
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/from-bucket", "default", "{.data.value}"));
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/not-under-prefix", "default", "{.metadata.name}"));
    }

    [Fact]
    public async Task AzureBlobs_AreAppliedThroughAnAzureBucket()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var env = await TideEnvironment.StartAsync();
        using var http = new HttpClient();
        var admin = new AzureBlobClient(http, new Uri(azurite.Endpoint),
            AzureSharedKey.Create(AzuriteServer.AccountName, AzuriteServer.AccountKey), null, TimeProvider.System);
        await admin.CreateContainerAsync("configs", publicRead: false, CancellationToken.None);
        await admin.PutBlobAsync("configs", "prod/settings.yaml",
            Encoding.UTF8.GetBytes(Manifests.ConfigMap("default", "from-azure", "v1")), CancellationToken.None);
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("create", "secret", "generic", "azure-key", "-n", "flux-system",
            "--from-literal=accountKey=" + AzuriteServer.AccountKey);
        await env.Kubectl.ApplyAsync($"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: Bucket
            metadata:
              name: configs
              namespace: flux-system
            spec:
              provider: azure
              bucketName: configs
              endpoint: {azurite.Endpoint}
              prefix: prod/
              interval: 1m
              secretRef:
                name: azure-key
            """);
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("configs", "configs", "./").Replace("kind: GitRepository", "kind: Bucket"));

        var revision = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("bucket/configs", "flux-system", "{.status.artifact.revision}"),
            r => r?.StartsWith("sha256:", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "the bucket artifact");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "configs", revision!);
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/from-azure", "default", "{.data.value}"));
    }
}
