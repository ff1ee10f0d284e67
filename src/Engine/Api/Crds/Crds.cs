using Tide.Engine.Yaml;
using System.Text.Json.Nodes;

namespace Tide.Engine.Api.Crds;

/// <summary>The CustomResourceDefinitions Tide serves, generated from the API types; Tide installs them when they
/// are missing and the Helm chart ships the same manifests.</summary>
public static class Crds
{
    public static CrdDefinition GitRepository { get; } = new()
    {
        Type = typeof(Api.GitRepository),
        Group = Api.GitRepository.Group,
        Version = Api.GitRepository.Version,
        DeprecatedVersions = ["v1beta1", "v1beta2"],
        Kind = Api.GitRepository.KindName,
        Plural = "gitrepositories",
        ShortNames = ["gitrepo"],
        Categories = ["all", "fluxcd", "fluxcd-sources"],
        PrinterColumns =
        [
            new PrinterColumn("URL", "string", ".spec.url"),
            PrinterColumn.Age,
            PrinterColumn.Ready,
            PrinterColumn.Status,
        ],
    };

    public static CrdDefinition OciRepository { get; } = new()
    {
        Type = typeof(Api.OciRepository),
        Group = Api.OciRepository.Group,
        Version = Api.OciRepository.Version,
        DeprecatedVersions = ["v1beta2"],
        Kind = Api.OciRepository.KindName,
        Plural = "ocirepositories",
        ShortNames = ["ocirepo"],
        Categories = ["all", "fluxcd", "fluxcd-sources"],
        PrinterColumns =
        [
            new PrinterColumn("URL", "string", ".spec.url"),
            PrinterColumn.Ready,
            PrinterColumn.Status,
            PrinterColumn.Age,
        ],
    };

    public static CrdDefinition Bucket { get; } = new()
    {
        Type = typeof(Api.Bucket),
        Group = Api.Bucket.Group,
        Version = Api.Bucket.Version,
        Kind = Api.Bucket.KindName,
        Plural = "buckets",
        ShortNames = [],
        Categories = ["all", "fluxcd", "fluxcd-sources"],
        PrinterColumns =
        [
            new PrinterColumn("Endpoint", "string", ".spec.endpoint"),
            PrinterColumn.Age,
            PrinterColumn.Ready,
            PrinterColumn.Status,
        ],
    };

    public static CrdDefinition Kustomization { get; } = new()
    {
        Type = typeof(Api.Kustomization),
        Group = Api.Kustomization.Group,
        Version = Api.Kustomization.Version,
        DeprecatedVersions = ["v1beta2"],
        Kind = Api.Kustomization.KindName,
        Plural = "kustomizations",
        ShortNames = ["ks"],
        Categories = ["all", "fluxcd", "fluxcd-appliers"],
        PrinterColumns = [PrinterColumn.Age, PrinterColumn.Ready, PrinterColumn.Status],
    };

    public static CrdDefinition HelmRepository { get; } = new()
    {
        Type = typeof(Api.HelmRepository),
        Group = Api.HelmRepository.Group,
        Version = Api.HelmRepository.Version,
        DeprecatedVersions = ["v1beta1", "v1beta2"],
        Kind = Api.HelmRepository.KindName,
        Plural = "helmrepositories",
        ShortNames = ["helmrepo"],
        Categories = ["all", "fluxcd", "fluxcd-sources"],
        PrinterColumns =
        [
            new PrinterColumn("URL", "string", ".spec.url"),
            PrinterColumn.Age,
            PrinterColumn.Ready,
            PrinterColumn.Status,
        ],
    };

    public static CrdDefinition HelmChart { get; } = new()
    {
        Type = typeof(Api.HelmChart),
        Group = Api.HelmChart.Group,
        Version = Api.HelmChart.Version,
        Kind = Api.HelmChart.KindName,
        Plural = "helmcharts",
        ShortNames = ["hc"],
        Categories = ["all", "fluxcd", "fluxcd-sources"],
        PrinterColumns =
        [
            new PrinterColumn("Chart", "string", ".spec.chart"),
            new PrinterColumn("Version", "string", ".spec.version"),
            new PrinterColumn("Source Kind", "string", ".spec.sourceRef.kind"),
            new PrinterColumn("Source Name", "string", ".spec.sourceRef.name"),
            PrinterColumn.Age,
            PrinterColumn.Ready,
            PrinterColumn.Status,
        ],
    };

    public static CrdDefinition HelmRelease { get; } = new()
    {
        Type = typeof(Api.HelmRelease),
        Group = Api.HelmRelease.Group,
        Version = Api.HelmRelease.Version,
        DeprecatedVersions = ["v2beta1", "v2beta2"],
        Kind = Api.HelmRelease.KindName,
        Plural = "helmreleases",
        ShortNames = ["hr"],
        Categories = ["all", "fluxcd", "fluxcd-appliers"],
        PrinterColumns = [PrinterColumn.Age, PrinterColumn.Ready, PrinterColumn.Status],
    };

    public static CrdDefinition Receiver { get; } = new()
    {
        Type = typeof(Api.Receiver),
        Group = Api.Receiver.Group,
        Version = Api.Receiver.Version,
        Kind = Api.Receiver.KindName,
        Plural = "receivers",
        ShortNames = [],
        Categories = ["all", "fluxcd"],
        PrinterColumns = [PrinterColumn.Age, PrinterColumn.Ready, PrinterColumn.Status],
    };

    public static CrdDefinition ExternalArtifact { get; } = new()
    {
        Type = typeof(Api.ExternalArtifact),
        Group = Api.ExternalArtifact.Group,
        Version = Api.ExternalArtifact.Version,
        Kind = Api.ExternalArtifact.KindName,
        Plural = "externalartifacts",
        ShortNames = [],
        Categories = [],
        PrinterColumns =
        [
            PrinterColumn.Age,
            PrinterColumn.Ready,
            PrinterColumn.Status,
            new PrinterColumn("Source", "string", ".spec.sourceRef.name"),
        ],
    };

    public static CrdDefinition ArtifactGenerator { get; } = new()
    {
        Type = typeof(Api.ArtifactGenerator),
        Group = Api.ArtifactGenerator.Group,
        Version = Api.ArtifactGenerator.Version,
        Kind = Api.ArtifactGenerator.KindName,
        Plural = "artifactgenerators",
        ShortNames = ["ag"],
        Categories = ["all", "fluxcd", "fluxcd-sources"],
        PrinterColumns = [PrinterColumn.Age, PrinterColumn.Ready, PrinterColumn.Status],
    };

    public static CrdDefinition Alert { get; } = new()
    {
        Type = typeof(Api.Alert),
        Group = Api.Alert.Group,
        Version = Api.Alert.Version,
        Kind = Api.Alert.KindName,
        Plural = "alerts",
        ShortNames = [],
        Categories = ["all", "fluxcd", "fluxcd-notifications"],
        PrinterColumns = [PrinterColumn.Age],
    };

    public static CrdDefinition Provider { get; } = new()
    {
        Type = typeof(Api.Provider),
        Group = Api.Alert.Group,
        Version = Api.Alert.Version,
        Kind = Api.Provider.KindName,
        Plural = "providers",
        ShortNames = [],
        Categories = ["all", "fluxcd", "fluxcd-notifications"],
        PrinterColumns = [PrinterColumn.Age],
    };

    // Flagger's kinds: names and the default columns of Flagger's own CRDs (artifacts/flagger/crd.yaml).
    public static CrdDefinition Canary { get; } = new()
    {
        Type = typeof(Api.Canary),
        Group = Api.Canary.Group,
        Version = Api.Canary.Version,
        Kind = Api.Canary.KindName,
        Plural = "canaries",
        ShortNames = [],
        Categories = ["all"],
        PrinterColumns =
        [
            new PrinterColumn("Status", "string", ".status.phase"),
            new PrinterColumn("Weight", "string", ".status.canaryWeight"),
            new PrinterColumn("LastTransitionTime", "string", ".status.lastTransitionTime"),
        ],
    };

    public static CrdDefinition MetricTemplate { get; } = new()
    {
        Type = typeof(Api.MetricTemplate),
        Group = Api.Canary.Group,
        Version = Api.Canary.Version,
        Kind = Api.MetricTemplate.KindName,
        Plural = "metrictemplates",
        ShortNames = [],
        Categories = ["all"],
        PrinterColumns = [new PrinterColumn("Provider", "string", ".spec.provider.type")],
    };

    public static CrdDefinition AlertProvider { get; } = new()
    {
        Type = typeof(Api.AlertProvider),
        Group = Api.Canary.Group,
        Version = Api.Canary.Version,
        Kind = Api.AlertProvider.KindName,
        Plural = "alertproviders",
        ShortNames = [],
        Categories = ["all"],
        PrinterColumns = [new PrinterColumn("Type", "string", ".spec.type")],
    };

    /// <summary>Flux's kinds.</summary>
    public static IReadOnlyList<CrdDefinition> All { get; } =
        [GitRepository, OciRepository, Bucket, Kustomization, HelmRepository, HelmChart, HelmRelease, Receiver, ExternalArtifact,
            ArtifactGenerator, Alert, Provider];

    /// <summary>Flagger's kinds (progressive delivery).</summary>
    public static IReadOnlyList<CrdDefinition> Flagger { get; } = [Canary, MetricTemplate, AlertProvider];

    public static IReadOnlyList<JsonObject> Manifests() => All.Concat(Flagger).Select(d => d.ToManifest()).ToList();

    /// <summary>All CRDs as one multi-document YAML stream.</summary>
    public static string ToYaml() =>
        string.Join("---\n", Manifests().Select(YamlJson.Write));
}
