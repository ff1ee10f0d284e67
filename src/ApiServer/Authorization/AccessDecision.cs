namespace Tide.ApiServer.Authorization;

/// <summary>An authorizer's answer and its reason: which binding allowed it, or why none could (a binding whose role
/// is missing), in Kubernetes' wording.</summary>
internal sealed record AccessDecision(bool Allowed, string Reason)
{
    public static AccessDecision Superuser { get; } = new(true, "");
}
