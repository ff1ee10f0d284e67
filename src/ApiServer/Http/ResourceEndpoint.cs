using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tide.ApiServer.Authorization;
using Tide.ApiServer.Faults;
using Tide.ApiServer.Patching;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Semantics;
using Tide.ApiServer.Serialization;
using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Http;

/// <summary>The REST verbs of a resource URL: get, list, watch, create, update, patch (4 content types), delete,
/// deletecollection; with dryRun, fieldManager, selectors, limit/continue and Table/metadata rendering.</summary>
internal sealed class ResourceEndpoint(ResourceCatalog catalog, ResourceOperations operations, TableConverter tables,
    WatchStreamer watches, EscalationCheck escalation, long maxBodyBytes)
{
    public async Task HandleAsync(HttpContext context, ApiPath path, RequestUser user, FaultInjector faults)
    {
        var type = catalog.Find(path.Group, path.Version, path.Resource)
            ?? throw ApiException.NotFound($"the server could not find the requested resource (no {path.Resource} in {path.Group}/{path.Version})");
        var scale = path.Subresource == "scale" && ScaleSubresource.Supports(type);
        if (path.Subresource is not null && !(path.Subresource == "status" && type.HasStatus) && !scale)
        {
            throw ApiException.NotFound($"the server could not find the requested resource ({path.Resource}/{path.Subresource})");
        }
        if (path.Namespace is not null && !type.Namespaced)
        {
            throw ApiException.NotFound($"the server could not find the requested resource ({path.Resource} is cluster-scoped)");
        }
        var request = context.Request;
        var query = request.Query;
        var verb = RequestVerbs.Of(request, path.Name);
        if (verb.Length == 0 || (verb == "create" && path.Name is not null) || (verb is "update" or "patch" && path.Name is null))
        {
            throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
        if (!await faults.BeforeAsync(verb, context.RequestAborted))
        {
            context.Abort();
            return;
        }
        var ct = context.RequestAborted;
        if (scale)
        {
            await ScaleAsync(context, type, path, user, verb, ct);
            return;
        }
        switch (verb)
        {
            case "get":
                await GetAsync(context, type, path);
                break;
            case "list":
                await ListAsync(context, type, path.Namespace);
                break;
            case "watch":
                await watches.StreamAsync(context, type, path.Namespace, path.Name, faults.Options);
                break;
            case "create":
                var created = operations.Create(Context(context, type, path.Namespace, user), await BodyAsync(context, ct));
                await WriteObjectAsync(context, type, 201, created);
                break;
            case "update":
                var updated = operations.Update(Context(context, type, path.Namespace, user), path.Name!, await BodyAsync(context, ct),
                    path.Subresource);
                await WriteObjectAsync(context, type, 200, updated);
                break;
            case "patch":
                await PatchAsync(context, type, path, user, ct);
                break;
            case "delete":
                await DeleteAsync(context, type, path, user, ct);
                break;
            case "deletecollection":
                var (policy, _, _, _) = await DeleteOptionsAsync(context, ct);
                var deleted = operations.DeleteCollection(Context(context, type, path.Namespace, user),
                    LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]), policy);
                await WriteListAsync(context, type, deleted.Select(d => d.Object).ToList(), operations.Store.State.Revision, null, null);
                break;
        }
    }

    private WriteContext Context(HttpContext context, ResourceType type, string? ns, RequestUser user)
    {
        var query = context.Request.Query;
        var dryRun = query["dryRun"].ToString();
        if (dryRun.Length > 0 && dryRun != "All") throw ApiException.BadRequest($"Invalid dryRun value: {dryRun}");
        var manager = query["fieldManager"].ToString();
        if (manager.Length == 0)
        {
            // Kubernetes' default manager: the user agent's program name.
            var agent = context.Request.Headers.UserAgent.ToString();
            manager = agent.Length == 0 ? "unknown" : agent.Split('/')[0];
        }
        if (manager.Length > 128) throw ApiException.BadRequest("fieldManager must not be longer than 128 characters");
        return new WriteContext(type, type.Namespaced ? ns : null, manager, dryRun == "All", escalation.For(user, type));
    }

    private async Task<JsonObject> BodyAsync(HttpContext context, CancellationToken ct) =>
        RequestBody.ParseObject(await RequestBody.ReadAsync(context.Request, maxBodyBytes, ct), context.Request.ContentType);

    private async Task GetAsync(HttpContext context, ResourceType type, ApiPath path)
    {
        var stored = operations.Store.State.Get(type.StorageKey, StoredObject.KeyOf(type.Namespaced ? path.Namespace : null, path.Name!))
            ?? throw ApiException.NotFound(type, path.Name!);
        var shape = ResponseShapes.From(context.Request.Headers.Accept);
        if (shape == ResponseShape.Object && stored.ApiVersion == type.GroupVersion)
        {
            await Responses.WriteRawAsync(context, 200, stored.Json);
            return;
        }
        await WriteObjectAsync(context, type, 200, stored.ToNode());
    }

    private async Task WriteObjectAsync(HttpContext context, ResourceType type, int status, JsonObject obj)
    {
        obj["apiVersion"] = type.GroupVersion;
        switch (ResponseShapes.From(context.Request.Headers.Accept))
        {
            case ResponseShape.Table:
                var includeObject = context.Request.Query["includeObject"] == "Object";
                await Responses.WriteAsync(context, status, tables.ToTable(type, [obj], includeObject,
                    obj.Metadata().Str("resourceVersion") ?? ""));
                break;
            case ResponseShape.Metadata:
                await Responses.WriteAsync(context, status, TableConverter.PartialMetadata(obj));
                break;
            default:
                await Responses.WriteAsync(context, status, obj);
                break;
        }
    }

    private async Task ListAsync(HttpContext context, ResourceType type, string? ns)
    {
        var query = context.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        var state = operations.Store.State;
        var after = ContinueToken.Decode(query["continue"]);
        var limit = long.TryParse(query["limit"], out var l) && l > 0 ? l : long.MaxValue;
        IEnumerable<StoredObject> candidates = fields.ExactName is { } exact
            ? state.Get(type.StorageKey, StoredObject.KeyOf(type.Namespaced ? ns : null, exact)) is { } one ? [one] : []
            : state.List(type.StorageKey, type.Namespaced ? ns : null);
        var matching = candidates
            .Where(o => (ns is null || !type.Namespaced || o.Namespace == ns))
            .Where(o => after is null || string.CompareOrdinal(o.Key, after) > 0)
            .Where(o => labels.Matches(o.Labels) && fields.Matches(o));
        var page = new List<StoredObject>();
        long remaining = 0;
        foreach (var o in matching)
        {
            if (page.Count < limit) page.Add(o);
            else remaining++;
        }
        var token = remaining > 0 ? ContinueToken.Encode(page[^1].Key) : null;
        var shape = ResponseShapes.From(context.Request.Headers.Accept);
        if (shape == ResponseShape.Object && page.All(o => o.ApiVersion == type.GroupVersion))
        {
            await WriteRawListAsync(context, type, page, state.Revision, token, remaining);
            return;
        }
        await WriteListAsync(context, type, page.Select(o => o.ToNode()).ToList(), state.Revision, token, remaining);
    }

    /// <summary>Lists are written from the stored bytes, without parsing the items.</summary>
    private static async Task WriteRawListAsync(HttpContext context, ResourceType type, List<StoredObject> items, long revision,
        string? token, long remaining)
    {
        var header = new StringBuilder();
        header.Append($"{{\"kind\":\"{type.ListKind}\",\"apiVersion\":\"{type.GroupVersion}\",\"metadata\":{{\"resourceVersion\":\"{revision}\"");
        if (token is not null) header.Append($",\"continue\":\"{token}\",\"remainingItemCount\":{remaining}");
        header.Append("},\"items\":[");
        var length = Encoding.UTF8.GetByteCount(header.ToString()) + items.Sum(i => i.Json.Length + 1) + 2 - (items.Count > 0 ? 1 : 0);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = length;
        var body = context.Response.Body;
        var ct = context.RequestAborted;
        await body.WriteAsync(Encoding.UTF8.GetBytes(header.ToString()), ct);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) await body.WriteAsync(","u8.ToArray(), ct);
            await body.WriteAsync(items[i].Json, ct);
        }
        await body.WriteAsync("]}"u8.ToArray(), ct);
    }

    private async Task WriteListAsync(HttpContext context, ResourceType type, List<JsonObject> items, long revision,
        string? token, long? remaining)
    {
        foreach (var item in items) item["apiVersion"] = type.GroupVersion;
        switch (ResponseShapes.From(context.Request.Headers.Accept))
        {
            case ResponseShape.Table:
                await Responses.WriteAsync(context, 200, tables.ToTable(type, items, context.Request.Query["includeObject"] == "Object",
                    revision.ToString(), token));
                return;
            case ResponseShape.Metadata:
                await Responses.WriteAsync(context, 200, ListDocument("PartialObjectMetadataList", "meta.k8s.io/v1",
                    items.Select(TableConverter.PartialMetadata), revision, token, remaining));
                return;
            default:
                await Responses.WriteAsync(context, 200, ListDocument(type.ListKind, type.GroupVersion, items, revision, token, remaining));
                return;
        }
    }

    private static JsonObject ListDocument(string kind, string apiVersion, IEnumerable<JsonObject> items, long revision,
        string? token, long? remaining)
    {
        var metadata = new JsonObject { ["resourceVersion"] = revision.ToString() };
        if (token is not null)
        {
            metadata["continue"] = token;
            metadata["remainingItemCount"] = remaining;
        }
        return new JsonObject
        {
            ["kind"] = kind,
            ["apiVersion"] = apiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
        };
    }

    private async Task PatchAsync(HttpContext context, ResourceType type, ApiPath path, RequestUser user, CancellationToken ct)
    {
        var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim();
        var body = await RequestBody.ReadAsync(context.Request, maxBodyBytes, ct);
        var ctx = Context(context, type, path.Namespace, user);
        var name = path.Name!;
        if (contentType == "application/apply-patch+yaml")
        {
            var force = context.Request.Query["force"] == "true";
            if (!context.Request.Query.ContainsKey("fieldManager"))
            {
                throw ApiException.BadRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set");
            }
            var (applied, created) = operations.Apply(ctx, name, path.Subresource, RequestBody.ParseObject(body, contentType), force);
            await WriteObjectAsync(context, type, created ? 201 : 200, applied);
            return;
        }
        Func<JsonObject, JsonObject> patch = contentType switch
        {
            "application/merge-patch+json" => Patcher(type, name, RequestBody.Parse(body, contentType),
                (live, p) => JsonMergePatch.Apply(live, p)),
            "application/json-patch+json" => Patcher(type, name,
                RequestBody.Parse(body, contentType) as JsonArray ?? throw ApiException.BadRequest("a JSON patch must be an array"),
                (live, p) => JsonPatch.Apply(live, (JsonArray)p!)),
            "application/strategic-merge-patch+json" when catalog.IsBuiltin(type) => Patcher(type, name,
                RequestBody.ParseObject(body, contentType),
                (live, p) => StrategicMergePatch.Apply(live, (JsonObject)p!, type.GroupVersion, type.Kind)),
            _ => throw ApiException.UnsupportedMediaType(
                $"the body of the request was in an unknown format - accepted media types include: " +
                $"application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml" +
                (catalog.IsBuiltin(type) ? ", application/strategic-merge-patch+json" : "")),
        };
        var patched = operations.Patch(ctx, name, path.Subresource, patch);
        await WriteObjectAsync(context, type, 200, patched);
    }

    private async Task ScaleAsync(HttpContext context, ResourceType type, ApiPath path, RequestUser user, string verb,
        CancellationToken ct)
    {
        var ctx = Context(context, type, path.Namespace, user);
        var name = path.Name!;
        JsonObject result;
        switch (verb)
        {
            case "get":
                result = operations.Store.State.Get(type.StorageKey, StoredObject.KeyOf(path.Namespace, name))?.ToNode()
                    ?? throw ApiException.NotFound(type, name);
                break;
            case "update":
                var body = await BodyAsync(context, ct);
                result = operations.Patch(ctx, name, null, live => ScaleSubresource.Apply(type, live, body));
                break;
            case "patch":
                var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim();
                var patch = RequestBody.Parse(await RequestBody.ReadAsync(context.Request, maxBodyBytes, ct), contentType);
                result = operations.Patch(ctx, name, null, live =>
                {
                    var current = ScaleSubresource.ToScale(live);
                    // A Scale has no lists: a strategic merge patch of it is a merge patch.
                    var patched = contentType == "application/json-patch+json"
                        ? JsonPatch.Apply(current, patch as JsonArray ?? throw ApiException.BadRequest("a JSON patch must be an array"))
                        : JsonMergePatch.Apply(current, patch);
                    return ScaleSubresource.Apply(type, live, patched as JsonObject ?? throw ApiException.BadRequest("the patch must produce an object"));
                });
                break;
            default:
                throw ApiException.MethodNotAllowed($"{verb} is not supported on the scale subresource");
        }
        await Responses.WriteAsync(context, 200, ScaleSubresource.ToScale(result));
    }

    private static Func<JsonObject, JsonObject> Patcher(ResourceType type, string name, JsonNode? patch,
        Func<JsonObject, JsonNode?, JsonNode?> apply) => live =>
    {
        try
        {
            return apply(live, patch?.DeepClone()) as JsonObject ?? throw ApiException.BadRequest("the patch must produce an object");
        }
        catch (PatchException e)
        {
            throw ResourceOperations.PatchFailed(type, name, e);
        }
    };

    private async Task DeleteAsync(HttpContext context, ResourceType type, ApiPath path, RequestUser user, CancellationToken ct)
    {
        var (policy, uid, resourceVersion, bodyDryRun) = await DeleteOptionsAsync(context, ct);
        var ctx = Context(context, type, path.Namespace, user);
        if (bodyDryRun) ctx = ctx with { DryRun = true };
        var result = operations.Delete(ctx, path.Name!, policy, uid, resourceVersion);
        await WriteObjectAsync(context, type, !result.Removed && policy == PropagationPolicy.Foreground ? 202 : 200, result.Object);
    }

    /// <summary>DeleteOptions from the body (kubectl sends one) and the query (KubernetesClient may use either).</summary>
    private async Task<(PropagationPolicy Policy, string? Uid, string? ResourceVersion, bool DryRun)> DeleteOptionsAsync(
        HttpContext context, CancellationToken ct)
    {
        var query = context.Request.Query;
        var body = await RequestBody.ReadAsync(context.Request, maxBodyBytes, ct);
        var options = body.Length > 0 ? RequestBody.ParseObject(body, context.Request.ContentType) : new JsonObject();
        var policyText = options.Str("propagationPolicy") ?? query["propagationPolicy"].ToString();
        if (policyText.Length == 0 && options["orphanDependents"]?.GetValue<bool>() == true) policyText = "Orphan";
        var policy = policyText switch
        {
            "" or "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            _ => throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{policyText}\""),
        };
        var preconditions = options["preconditions"];
        var dryRun = options["dryRun"] is JsonArray d && d.Any(v => v?.ToString() == "All");
        return (policy, preconditions.Str("uid"), preconditions.Str("resourceVersion"), dryRun);
    }
}
