namespace Tide.Engine.Canaries;

/// <summary>A step of a Canary's analysis could not go on. <see cref="Retriable"/> failures are tried again next
/// interval (Flagger records them as a warning); others roll the canary back. <see cref="Stalled"/>: the Canary asks
/// for something Tide does not serve; nothing is retried until its spec changes.</summary>
public sealed class CanaryFailure(string message, string reason = CanaryFailure.ReconciliationFailed, bool retriable = true,
    bool stalled = false) : Exception(message)
{
    public const string ReconciliationFailed = "ReconciliationFailed";
    public const string TargetNotFound = "TargetNotFound";
    public const string UnsupportedProvider = "UnsupportedProvider";
    public const string UnsupportedTarget = "UnsupportedTarget";
    public const string InvalidSpec = "InvalidSpec";

    public string Reason { get; } = reason;

    public bool Retriable { get; } = retriable;

    public bool Stalled { get; } = stalled;
}
