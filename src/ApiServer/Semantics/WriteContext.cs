using System.Text.Json.Nodes;
using Tide.ApiServer.Resources;

namespace Tide.ApiServer.Semantics;

/// <summary>Who writes what where: the resource, the namespace of the request (null for cluster scope or all
/// namespaces), the field manager that owns the written fields, dryRun=All (compute, store nothing), and an admission
/// check that sees the object about to be stored and throws to refuse it (RBAC's escalation check).</summary>
internal sealed record WriteContext(ResourceType Type, string? Namespace, string FieldManager, bool DryRun = false,
    Action<JsonObject>? Admission = null);
