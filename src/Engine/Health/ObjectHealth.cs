using Tide.Engine.Kube;

namespace Tide.Engine.Health;

/// <summary>The status of one checked object.</summary>
public sealed record ObjectHealth(ObjectRef Object, HealthStatus Status, string Message)
{
    /// <summary>Flux's wording, <c>Deployment/ns/name status: 'Failed'</c>, followed by kstatus's message so the
    /// reader sees why (Flux leaves the why out).</summary>
    public string Describe() =>
        Message.Length == 0 ? $"{Object} status: '{Status}'" : $"{Object} status: '{Status}': {Message}";
}
