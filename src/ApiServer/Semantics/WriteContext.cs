using Tide.ApiServer.Resources;

namespace Tide.ApiServer.Semantics;

/// <summary>Who writes what where: the resource, the namespace of the request (null for cluster scope or all
/// namespaces), the field manager that owns the written fields, and dryRun=All (compute, store nothing).</summary>
internal sealed record WriteContext(ResourceType Type, string? Namespace, string FieldManager, bool DryRun = false);
