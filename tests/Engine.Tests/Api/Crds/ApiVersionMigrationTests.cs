using Tide.Engine.Api.Crds;

namespace Tide.Engine.Tests.Api.Crds;

public sealed class ApiVersionMigrationTests
{
    [Fact]
    public void RemovedVersions_AreRewritten_EverythingElseKeptAsWritten()
    {
        const string yaml = """
            # the kyverno source, as flux2-multi-tenancy has it
            apiVersion: source.toolkit.fluxcd.io/v1beta2 # old
            kind: OCIRepository
            metadata:
              name: kyverno-controller
            ---
            kind: HelmRelease
            apiVersion: "helm.toolkit.fluxcd.io/v2beta1"
            spec:
              values:
                apiVersion: helm.toolkit.fluxcd.io/v2beta1
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            ---
            apiVersion: apps/v1
            kind: Deployment
            """;

        var (text, changes) = ApiVersionMigration.Migrate(yaml);

        Assert.Equal(yaml
            .Replace("apiVersion: source.toolkit.fluxcd.io/v1beta2 # old", "apiVersion: source.toolkit.fluxcd.io/v1 # old")
            .Replace("apiVersion: \"helm.toolkit.fluxcd.io/v2beta1\"", "apiVersion: \"helm.toolkit.fluxcd.io/v2\""), text);
        Assert.Equal(
            [
                new ApiVersionMigration.Change(2, "OCIRepository", "source.toolkit.fluxcd.io/v1beta2", "source.toolkit.fluxcd.io/v1"),
                new ApiVersionMigration.Change(8, "HelmRelease", "helm.toolkit.fluxcd.io/v2beta1", "helm.toolkit.fluxcd.io/v2"),
            ], changes);
    }

    [Fact]
    public void CurrentManifests_AreLeftAlone()
    {
        const string yaml = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n";
        Assert.Equal((yaml, 0), (ApiVersionMigration.Migrate(yaml).Text, ApiVersionMigration.Migrate(yaml).Changes.Count));
    }
}
