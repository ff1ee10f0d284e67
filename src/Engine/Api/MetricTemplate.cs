using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>MetricTemplate, flagger.app/v1beta1: a query against a metrics provider that Canaries reference.</summary>
public sealed record MetricTemplate
{
    public const string KindName = "MetricTemplate";

    public string ApiVersion { get; init; } = Canary.ApiVersionV1Beta1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required MetricTemplateSpec Spec { get; init; }
}
