using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Patching;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Serialization;
using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Semantics;

/// <summary>The write verbs with Kubernetes' semantics: create, update (optimistic concurrency, generation, status
/// subresource, immutable fields), patch, delete and deletecollection. Each runs as one store transaction.</summary>
internal sealed class ResourceOperations(ObjectStore store, ResourceCatalog catalog, TimeProvider time,
    NamespaceDefaults namespaceDefaults)
{
    private readonly Deletion _deletion = new(catalog, time);

    public ObjectStore Store => store;

    public JsonObject Create(WriteContext ctx, JsonObject obj) => store.Write(tx => Create(tx, ctx, obj, recordManager: true), ctx.DryRun);

    private JsonObject Create(StoreTransaction tx, WriteContext ctx, JsonObject obj, bool recordManager)
    {
        var type = ctx.Type;
        CheckKind(type, obj);
        var meta = obj.Metadata();
        var ns = ScopeNamespace(ctx, meta);
        var name = meta.Str("name");
        if (string.IsNullOrEmpty(name))
        {
            var prefix = meta.Str("generateName");
            if (string.IsNullOrEmpty(prefix))
            {
                throw ApiException.Invalid(type, "", new StatusCause("FieldValueRequired", "metadata.name",
                    "Required value: name or generateName is required"));
            }
            do name = ObjectNames.Generate(prefix);
            while (tx.Exists(type.StorageKey, StoredObject.KeyOf(ns, name)));
            meta["name"] = name;
        }
        ObjectNames.Validate(type, name);
        if (ns is not null) RequireWritableNamespace(tx, ns);
        var key = StoredObject.KeyOf(ns, name);
        if (tx.Exists(type.StorageKey, key)) throw ApiException.AlreadyExists(type, name);

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Timestamps.Format(time.GetUtcNow());
        if (type.HasGeneration) meta["generation"] = 1;
        else meta.Remove("generation");
        foreach (var ignored in new[] { "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink" })
        {
            meta.Remove(ignored);
        }
        if (type.HasStatus) obj.Remove("status");
        if (type.StorageKey == BuiltinResources.CustomResourceDefinitions) KindRules.ValidateCrd(type, obj);
        // The creator owns what it sent; what the server fills in below (clusterIP, phases, CRD status) is no one's.
        if (recordManager) ServerSideApply.RecordUpdate(null, obj, ctx.FieldManager, type.GroupVersion, time.GetUtcNow(), null);
        KindRules.Normalize(type, obj);
        KindRules.DefaultOnCreate(type, obj);
        if (type.StorageKey == BuiltinResources.CustomResourceDefinitions) ServeAfterCommit(tx, obj);
        ctx.Admission?.Invoke(obj);
        tx.Put(type.StorageKey, key, obj);
        if (type.StorageKey == BuiltinResources.Namespaces) CreateNamespaceDefaults(tx, name, ctx.DryRun);
        return obj;
    }

    private void CreateNamespaceDefaults(StoreTransaction tx, string ns, bool dryRun)
    {
        foreach (var (storage, obj) in namespaceDefaults.For(ns))
        {
            var type = catalog.FindStorage(storage)!;
            Create(tx, new WriteContext(type, ns, NamespaceDefaults.FieldManager, dryRun), obj, recordManager: true);
        }
    }

    public JsonObject Update(WriteContext ctx, string name, JsonObject obj, string? subresource) =>
        store.Write(tx =>
        {
            CheckKind(ctx.Type, obj);
            var meta = obj.Metadata();
            var ns = ScopeNamespace(ctx, meta);
            if (meta.Str("name") is { } bodyName && bodyName != name)
            {
                throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }
            var old = tx.Get(ctx.Type.StorageKey, StoredObject.KeyOf(ns, name)) ?? throw ApiException.NotFound(ctx.Type, name);
            return Replace(tx, ctx, old, obj, subresource);
        }, ctx.DryRun);

    /// <summary>Applies <paramref name="patch"/> to a copy of the live object and stores the result like an update.
    /// A resourceVersion in the patched object is a precondition, as in Kubernetes. The patch is computed outside the
    /// write lock, from the committed object; the result is committed only if the object is still at that version
    /// (else it is computed again), so costly patches do not hold up other writers.</summary>
    public JsonObject Patch(WriteContext ctx, string name, string? subresource, Func<JsonObject, JsonObject> patch)
    {
        var key = StoredObject.KeyOf(ctx.Type.Namespaced ? ctx.Namespace : null, name);
        while (true)
        {
            var stored = store.State.Get(ctx.Type.StorageKey, key) ?? throw ApiException.NotFound(ctx.Type, name);
            var old = stored.ToNode();
            var live = old.DeepClone().AsObject();
            // Every version of a kind shares storage (conversion "None"): the object is patched as read in the
            // request's version, whichever version wrote it.
            live["apiVersion"] = ctx.Type.GroupVersion;
            var patched = patch(live);
            CheckKind(ctx.Type, patched);
            var meta = patched.Metadata();
            if (meta.Str("name") != name) throw ApiException.BadRequest("metadata.name cannot be changed by a patch");
            ScopeNamespace(ctx, meta);
            var result = store.Write(tx => Unchanged(tx, ctx.Type, key, stored) ? Replace(tx, ctx, old, patched, subresource) : null,
                ctx.DryRun);
            if (result is not null) return result;
        }
    }

    private static bool Unchanged(StoreTransaction tx, ResourceType type, string key, StoredObject? computedFrom) =>
        tx.Committed.Get(type.StorageKey, key)?.ResourceVersion == computedFrom?.ResourceVersion;

    /// <summary>The common end of update, patch and apply: keeps what clients cannot change, enforces the status
    /// subresource, immutable fields and optimistic concurrency, bumps generation, and skips no-op writes.</summary>
    private JsonObject Replace(StoreTransaction tx, WriteContext ctx, JsonObject old, JsonObject updated, string? subresource,
        bool recordManager = true)
    {
        var type = ctx.Type;
        var meta = updated.Metadata();
        var oldMeta = old.Metadata();
        var name = oldMeta.Str("name")!;
        if (meta.Str("resourceVersion") is { Length: > 0 } rv && rv != oldMeta.Str("resourceVersion"))
        {
            throw ApiException.Stale(type, name);
        }
        if (subresource == "status")
        {
            var result = old.DeepClone().AsObject();
            if (updated["status"] is { } status) result["status"] = status.DeepClone();
            else result.Remove("status");
            if (meta["managedFields"] is { } managed) result.Metadata()["managedFields"] = managed.DeepClone();
            updated = result;
            meta = updated.Metadata();
        }
        else if (type.HasStatus)
        {
            if (old["status"] is { } status) updated["status"] = status.DeepClone();
            else updated.Remove("status");
        }
        foreach (var kept in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                     "deletionGracePeriodSeconds", "generation", "resourceVersion" })
        {
            if (oldMeta[kept] is { } value) meta[kept] = value.DeepClone();
            else meta.Remove(kept);
        }
        if (subresource is null)
        {
            KindRules.Normalize(type, updated);
            KindRules.CheckUpdate(type, old, updated);
            ctx.Admission?.Invoke(updated);
            if (type.StorageKey == BuiltinResources.CustomResourceDefinitions)
            {
                KindRules.ValidateCrd(type, updated);
                KindRules.AcceptCrd(updated);
                ServeAfterCommit(tx, updated);
            }
        }
        if (recordManager) ServerSideApply.RecordUpdate(old, updated, ctx.FieldManager, type.GroupVersion, time.GetUtcNow(), subresource);
        if (type.HasGeneration && KindRules.ChangesGeneration(type, old, updated))
        {
            meta["generation"] = (oldMeta["generation"]?.GetValue<long>() ?? 0) + 1;
        }
        if (Json.Same(WithoutManagedFieldTimes(old), WithoutManagedFieldTimes(updated))) return old;
        var key = StoredObject.KeyOf(meta.Str("namespace"), name);
        tx.Put(type.StorageKey, key, updated);
        if (meta["deletionTimestamp"] is not null) _deletion.FinishIfDone(tx, type, key);
        return updated;
    }

    /// <summary>Server-side apply: merges <paramref name="config"/> as the context's field manager into the live
    /// object, or creates it. Conflicts with other managers answer 409 unless <paramref name="force"/>. Like a patch,
    /// the merge is computed outside the write lock and committed only if the object did not change meanwhile.</summary>
    public (JsonObject Object, bool Created) Apply(WriteContext ctx, string name, string? subresource, JsonObject config, bool force)
    {
        var type = ctx.Type;
        if (config.Str("apiVersion") is null || config.Str("kind") is null)
        {
            throw ApiException.BadRequest("apiVersion and kind must be set in an applied configuration");
        }
        CheckKind(type, config);
        var meta = config.Metadata();
        if (meta.Str("name") is { } bodyName && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        meta["name"] = name;
        var key = StoredObject.KeyOf(ScopeNamespace(ctx, meta), name);
        while (true)
        {
            var stored = store.State.Get(type.StorageKey, key);
            if (stored is null && subresource is not null) throw ApiException.NotFound(type, name);
            var live = stored?.ToNode();
            ApplyOutcome outcome;
            try
            {
                outcome = ServerSideApply.Apply(live?.DeepClone().AsObject(), config.DeepClone().AsObject(), ctx.FieldManager, force,
                    type.GroupVersion, type.Kind, time.GetUtcNow(), subresource);
            }
            catch (PatchException e)
            {
                throw PatchFailed(type, name, e);
            }
            if (outcome.Conflicts.Count > 0) throw Conflicts(type, name, outcome.Conflicts);
            var result = outcome.Result!;
            var committed = store.Write(tx =>
            {
                if (!Unchanged(tx, type, key, stored)) return null;
                return live is null
                    ? Tuple.Create(Create(tx, ctx, result, recordManager: false), true)
                    : Tuple.Create(Replace(tx, ctx, live, result, subresource, recordManager: false), false);
            }, ctx.DryRun);
            if (committed is not null) return (committed.Item1, committed.Item2);
        }
    }

    public static ApiException PatchFailed(ResourceType type, string name, PatchException e) => e.BadRequest
        ? ApiException.BadRequest(e.Message)
        : ApiException.Invalid(type, name, new StatusCause("FieldValueInvalid", "", e.Message));

    private static ApiException Conflicts(ResourceType type, string name, IReadOnlyList<FieldConflict> conflicts)
    {
        var byManager = conflicts.GroupBy(c => c.Manager).ToList();
        var message = byManager.Count == 1 && conflicts.Count == 1
            ? $"Apply failed with 1 conflict: conflict with \"{conflicts[0].Manager}\" using {type.GroupVersion}: {conflicts[0].Field}"
            : $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", byManager.Select(g =>
                $"conflicts with \"{g.Key}\" using {type.GroupVersion}:\n" + string.Join("\n", g.Select(c => "- " + c.Field))));
        var details = new JsonObject
        {
            ["name"] = name,
            ["group"] = type.Group,
            ["kind"] = type.Plural,
            ["causes"] = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with \"{c.Manager}\" using {type.GroupVersion}",
                ["field"] = c.Field,
            }).ToArray()),
        };
        return new ApiException(409, "Conflict", message, details);
    }

    public DeleteResult Delete(WriteContext ctx, string name, PropagationPolicy policy, string? uid, string? resourceVersion) =>
        store.Write(tx => _deletion.Delete(tx, ctx.Type, StoredObject.KeyOf(ctx.Type.Namespaced ? ctx.Namespace : null, name),
            policy, uid, resourceVersion), ctx.DryRun);

    public List<DeleteResult> DeleteCollection(WriteContext ctx, LabelSelector labels, FieldSelector fields, PropagationPolicy policy) =>
        store.Write(tx => tx.Committed.List(ctx.Type.StorageKey, ctx.Type.Namespaced ? ctx.Namespace : null)
            .Where(o => labels.Matches(o.Labels) && fields.Matches(o))
            .Where(o => tx.Exists(o.Storage, o.Key))
            .Select(o => _deletion.Delete(tx, ctx.Type, o.Key, policy))
            .ToList(), ctx.DryRun);

    private void ServeAfterCommit(StoreTransaction tx, JsonObject crd)
    {
        var copy = crd.DeepClone().AsObject();
        tx.AfterCommit(() => catalog.Register(copy));
    }

    /// <summary>A write that changes nothing but managedFields timestamps is no write (Kubernetes skips it too).</summary>
    private static JsonObject WithoutManagedFieldTimes(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        foreach (var entry in (copy["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            entry.Remove("time");
        }
        return copy;
    }

    /// <summary>The body's apiVersion and kind must be the endpoint's (they are filled in when absent).</summary>
    private static void CheckKind(ResourceType type, JsonObject obj)
    {
        var apiVersion = obj.Str("apiVersion");
        var kind = obj.Str("kind");
        if (apiVersion is not null && apiVersion != type.GroupVersion)
        {
            throw ApiException.BadRequest(
                $"the API version in the data ({apiVersion}) does not match the expected API version ({type.GroupVersion})");
        }
        if (kind is not null && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }
        obj["apiVersion"] = type.GroupVersion;
        obj["kind"] = type.Kind;
        if (obj["metadata"] is not null and not JsonObject) throw ApiException.BadRequest("metadata must be an object");
    }

    /// <summary>Puts the request's namespace into a namespaced object (400 when the body names another one) and
    /// removes it from a cluster-scoped one.</summary>
    private static string? ScopeNamespace(WriteContext ctx, JsonObject meta)
    {
        if (!ctx.Type.Namespaced)
        {
            meta.Remove("namespace");
            return null;
        }
        var bodyNs = meta.Str("namespace");
        var ns = ctx.Namespace ?? bodyNs;
        if (string.IsNullOrEmpty(ns)) throw ApiException.BadRequest("the namespace of the object is required");
        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        meta["namespace"] = ns;
        return ns;
    }

    private static void RequireWritableNamespace(StoreTransaction tx, string ns)
    {
        var namespaceObject = tx.Get(BuiltinResources.Namespaces, ns) ?? throw ApiException.NotFound($"namespaces \"{ns}\" not found");
        if (namespaceObject.Metadata()["deletionTimestamp"] is not null)
        {
            throw ApiException.Forbidden($"unable to create new content in namespace {ns} because it is being terminated");
        }
    }
}
