using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Serialization;
using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Semantics;

/// <summary>Deletion as Kubernetes does it, inside one store transaction: finalizers keep an object (with
/// deletionTimestamp) until they are removed; owner references cascade (Background, Foreground, Orphan); a namespace
/// deletes its content and goes when empty; a CRD deletes its custom resources and then stops serving them.</summary>
internal sealed class Deletion(ResourceCatalog catalog, TimeProvider time)
{
    public const string ForegroundFinalizer = "foregroundDeletion";
    public const string CrdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    /// <summary>Namespaces and CRDs whose content is being deleted in bulk: they are checked once at the end.</summary>
    private readonly HashSet<string> _draining = [];

    public DeleteResult Delete(StoreTransaction tx, ResourceType type, string key, PropagationPolicy policy,
        string? uidPrecondition = null, string? resourceVersionPrecondition = null)
    {
        var obj = tx.Get(type.StorageKey, key) ?? throw ApiException.NotFound(type, NameOf(key));
        var meta = obj.Metadata();
        var name = meta.Str("name") ?? "";
        if (uidPrecondition is not null && uidPrecondition != meta.Str("uid"))
        {
            throw ApiException.Conflict(type, name,
                $"Precondition failed: UID in precondition: {uidPrecondition}, UID in object meta: {meta.Str("uid")}");
        }
        if (resourceVersionPrecondition is not null && resourceVersionPrecondition != meta.Str("resourceVersion"))
        {
            throw ApiException.Conflict(type, name,
                $"Precondition failed: ResourceVersion in precondition: {resourceVersionPrecondition}, ResourceVersion in object meta: {meta.Str("resourceVersion")}");
        }
        if (meta["deletionTimestamp"] is not null) return new DeleteResult(obj, false);
        if (type.StorageKey == BuiltinResources.Namespaces) return DeleteNamespace(tx, obj);
        if (type.StorageKey == BuiltinResources.CustomResourceDefinitions) return DeleteCrd(tx, obj);

        var dependents = tx.FindDependents(meta.Str("uid") ?? "");
        if (policy == PropagationPolicy.Orphan) Orphan(tx, dependents, meta.Str("uid")!);
        if (policy == PropagationPolicy.Foreground && dependents.Count > 0) AddFinalizer(meta, ForegroundFinalizer);
        if (Finalizers(meta).Count == 0)
        {
            tx.Remove(type.StorageKey, key, obj);
            Removed(tx, type, obj);
            return new DeleteResult(obj, true);
        }
        MarkDeleting(obj);
        tx.Put(type.StorageKey, key, obj);
        if (policy == PropagationPolicy.Foreground)
        {
            DeleteAll(tx, dependents);
            FinishIfDone(tx, type, key);
        }
        return new DeleteResult(obj, false);
    }

    /// <summary>Removes an object whose deletion waits on nothing any more (called after any change to a deleting object).</summary>
    public void FinishIfDone(StoreTransaction tx, ResourceType type, string key)
    {
        var obj = tx.Get(type.StorageKey, key);
        if (obj is null || obj.Metadata()["deletionTimestamp"] is null) return;
        var meta = obj.Metadata();
        var finalizers = Finalizers(meta);
        var changed = false;
        if (finalizers.Contains(ForegroundFinalizer) && tx.FindDependents(meta.Str("uid") ?? "").Count == 0)
        {
            changed |= finalizers.Remove(ForegroundFinalizer);
        }
        var contentGone = true;
        if (type.StorageKey == BuiltinResources.Namespaces)
        {
            contentGone = tx.FindInNamespace(meta.Str("name")!).Count == 0;
            if (contentGone && obj["spec"]?["finalizers"] is JsonArray { Count: > 0 })
            {
                obj.Obj("spec")["finalizers"] = new JsonArray();
                changed = true;
            }
        }
        if (type.StorageKey == BuiltinResources.CustomResourceDefinitions && finalizers.Contains(CrdCleanupFinalizer)
            && tx.FindInStorage(meta.Str("name")!).Count == 0)
        {
            changed |= finalizers.Remove(CrdCleanupFinalizer);
        }
        SetFinalizers(meta, finalizers);
        if (finalizers.Count == 0 && contentGone)
        {
            tx.Remove(type.StorageKey, key, obj);
            Removed(tx, type, obj);
        }
        else if (changed)
        {
            tx.Put(type.StorageKey, key, obj);
        }
    }

    private DeleteResult DeleteNamespace(StoreTransaction tx, JsonObject ns)
    {
        var name = ns.Metadata().Str("name")!;
        MarkDeleting(ns);
        ns.Obj("status")["phase"] = "Terminating";
        tx.Put(BuiltinResources.Namespaces, name, ns);
        _draining.Add(BuiltinResources.Namespaces + "/" + name);
        try
        {
            DeleteAll(tx, tx.FindInNamespace(name));
        }
        finally
        {
            _draining.Remove(BuiltinResources.Namespaces + "/" + name);
        }
        FinishIfDone(tx, catalog.FindStorage(BuiltinResources.Namespaces)!, name);
        return new DeleteResult(tx.Get(BuiltinResources.Namespaces, name) ?? ns, !tx.Exists(BuiltinResources.Namespaces, name));
    }

    private DeleteResult DeleteCrd(StoreTransaction tx, JsonObject crd)
    {
        var name = crd.Metadata().Str("name")!;
        MarkDeleting(crd);
        AddFinalizer(crd.Metadata(), CrdCleanupFinalizer);
        tx.Put(BuiltinResources.CustomResourceDefinitions, name, crd);
        _draining.Add(BuiltinResources.CustomResourceDefinitions + "/" + name);
        try
        {
            DeleteAll(tx, tx.FindInStorage(name));
        }
        finally
        {
            _draining.Remove(BuiltinResources.CustomResourceDefinitions + "/" + name);
        }
        FinishIfDone(tx, catalog.FindStorage(BuiltinResources.CustomResourceDefinitions)!, name);
        return new DeleteResult(tx.Get(BuiltinResources.CustomResourceDefinitions, name) ?? crd, !tx.Exists(BuiltinResources.CustomResourceDefinitions, name));
    }

    private void DeleteAll(StoreTransaction tx, List<(string Storage, string Key)> objects)
    {
        foreach (var (storage, key) in objects)
        {
            var type = catalog.FindStorage(storage);
            if (type is null || !tx.Exists(storage, key)) continue;
            Delete(tx, type, key, PropagationPolicy.Background);
        }
    }

    /// <summary>What follows an object's removal: its dependents go (Background), and whatever waited for it
    /// (a foreground owner, a terminating namespace, a deleting CRD) may now finish.</summary>
    private void Removed(StoreTransaction tx, ResourceType type, JsonObject obj)
    {
        var meta = obj.Metadata();
        DeleteAll(tx, tx.FindDependents(meta.Str("uid") ?? ""));
        var ns = meta.Str("namespace");
        foreach (var owner in (meta["ownerReferences"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var ownerType = catalog.FindKind(owner.Str("apiVersion") ?? "", owner.Str("kind") ?? "");
            if (ownerType is null) continue;
            var ownerKey = StoredObject.KeyOf(ownerType.Namespaced ? ns : null, owner.Str("name") ?? "");
            if (tx.Get(ownerType.StorageKey, ownerKey)?.Metadata().Str("uid") == owner.Str("uid"))
            {
                FinishIfDone(tx, ownerType, ownerKey);
            }
        }
        if (ns is not null && !_draining.Contains(BuiltinResources.Namespaces + "/" + ns))
        {
            FinishIfDone(tx, catalog.FindStorage(BuiltinResources.Namespaces)!, ns);
        }
        if (!catalog.IsBuiltin(type) && !_draining.Contains(BuiltinResources.CustomResourceDefinitions + "/" + type.StorageKey))
        {
            FinishIfDone(tx, catalog.FindStorage(BuiltinResources.CustomResourceDefinitions)!, type.StorageKey);
        }
        if (type.StorageKey == BuiltinResources.CustomResourceDefinitions)
        {
            var name = meta.Str("name")!;
            tx.AfterCommit(() => catalog.Unregister(name));
        }
    }

    private static void Orphan(StoreTransaction tx, List<(string Storage, string Key)> dependents, string ownerUid)
    {
        foreach (var (storage, key) in dependents)
        {
            var dependent = tx.Get(storage, key)!;
            var refs = (JsonArray)dependent.Metadata()["ownerReferences"]!;
            foreach (var r in refs.Where(r => r.Str("uid") == ownerUid).ToList()) refs.Remove(r);
            if (refs.Count == 0) dependent.Metadata().Remove("ownerReferences");
            tx.Put(storage, key, dependent);
        }
    }

    private void MarkDeleting(JsonObject obj)
    {
        var meta = obj.Metadata();
        meta["deletionTimestamp"] = Timestamps.Format(time.GetUtcNow());
        meta["deletionGracePeriodSeconds"] = 0;
        // As kube-apiserver: only an object that has a generation gets a new one.
        if (meta["generation"]?.GetValue<long>() is { } generation) meta["generation"] = generation + 1;
    }

    public static List<string> Finalizers(JsonObject meta) =>
        (meta["finalizers"] as JsonArray)?.Select(f => f!.GetValue<string>()).ToList() ?? [];

    private static void SetFinalizers(JsonObject meta, List<string> finalizers)
    {
        if (finalizers.Count == 0) meta.Remove("finalizers");
        else meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray());
    }

    private static void AddFinalizer(JsonObject meta, string finalizer)
    {
        var finalizers = Finalizers(meta);
        if (!finalizers.Contains(finalizer)) finalizers.Add(finalizer);
        SetFinalizers(meta, finalizers);
    }

    private static string NameOf(string key) => key[(key.LastIndexOf('/') + 1)..];
}
