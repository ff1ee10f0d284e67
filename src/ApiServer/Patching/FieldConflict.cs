namespace Tide.ApiServer.Patching;

/// <summary>A field another manager owns and a server-side apply would change: <paramref name="Field"/> is written as
/// Kubernetes writes it in conflict messages, e.g. <c>.spec.template.spec.containers[name="app"].image</c>.</summary>
public sealed record FieldConflict(string Manager, string Field);
