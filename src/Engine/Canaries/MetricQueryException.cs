namespace Tide.Engine.Canaries;

/// <summary>A metric query that gave no usable value: it could not be rendered or sent, the provider refused it, or
/// it returned nothing (<see cref="NoValues"/>: the canary probably receives no traffic yet).</summary>
public sealed class MetricQueryException(string message, bool noValues = false) : Exception(message)
{
    public bool NoValues { get; } = noValues;
}
