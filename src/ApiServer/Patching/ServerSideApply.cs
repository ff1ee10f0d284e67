using System.Text;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>Server-side apply (application/apply-patch+yaml) and managedFields bookkeeping in FieldsV1 format, with
/// the rules of Kubernetes' fieldmanager and structured-merge-diff.</summary>
public static class ServerSideApply
{
    private const string StatusSubresource = "status";

    /// <summary>kubectl's own field manager, for which Kubernetes eases moving from client-side to server-side apply.</summary>
    private const string Kubectl = "kubectl";

    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Kubernetes' limit on the total size of an object's annotations.</summary>
    private const int AnnotationsSizeLimit = 256 * 1024;

    private static readonly PathElement Metadata = PathElement.Field("metadata");
    private static readonly PathElement Status = PathElement.Field("status");

    /// <summary>Metadata the server sets; an applied configuration cannot change it.</summary>
    private static readonly string[] ServerMetadata =
        ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp",
         "deletionGracePeriodSeconds", "selfLink"];

    /// <summary>Fields no manager owns (the fieldmanager's stripped set, plus the deletion bookkeeping).</summary>
    private static readonly FieldSet Untracked = FieldSet.Of(
        new[] { "apiVersion", "kind", "metadata" }.Select(name => (IReadOnlyList<PathElement>)[PathElement.Field(name)])
            .Concat(new[] { "name", "namespace", "clusterName" }.Concat(ServerMetadata)
                .Select(name => (IReadOnlyList<PathElement>)[Metadata, PathElement.Field(name)])));

    /// <summary>Applies <paramref name="config"/> as <paramref name="manager"/> onto <paramref name="live"/> (null: create).
    /// Fields owned by other managers with a different value conflict unless <paramref name="force"/>; with force they
    /// move to this manager. Fields this manager applied before but not now are removed unless another manager owns them.
    /// Lists merge by their keys for built-in kinds; other lists are atomic.
    /// <paramref name="subresource"/> is "status" for /status applies (only status is applied), else null (for
    /// built-in kinds, whose status is a subresource, status is then left alone).</summary>
    public static ApplyOutcome Apply(JsonObject? live, JsonObject config, string manager, bool force,
        string apiVersion, string kind, DateTimeOffset now, string? subresource) =>
        Apply(live, config, manager, force, apiVersion, BuiltInSchemas.For(apiVersion, kind), now, subresource);

    internal static ApplyOutcome Apply(JsonObject? live, JsonObject config, string manager, bool force,
        string apiVersion, ValueSchema schema, DateTimeOffset now, string? subresource)
    {
        if (config["metadata"]?["managedFields"] is JsonArray { Count: > 0 })
            throw new PatchException("metadata.managedFields must be nil", badRequest: true);
        var applied = InScope(config, apiVersion, subresource);
        if (applied["metadata"] is JsonObject appliedMetadata)
            foreach (var name in ServerMetadata)
                appliedMetadata.Remove(name);

        var before = WithoutManagedFields(live ?? []);
        var entries = ManagedFields.Read(live)
            ?? (live is null ? [] : [BeforeFirstApply(before, apiVersion, schema, now, subresource)]);
        var merged = (JsonObject)ApplyMerge.Merge(before.DeepClone(), applied, schema, [])!;
        var appliedFields = FieldSetBuilder.Build(applied, schema);

        var previous = entries.FirstOrDefault(entry => entry.Identity == (manager, ManagedFieldsEntry.Apply, null, subresource));
        var others = entries.Where(entry => entry != previous).ToList();
        if (previous is not null)
            Prune(merged, previous.Fields, others.Aggregate(appliedFields, (owned, entry) => owned.Union(entry.Fields)), schema);

        var comparison = FieldComparison.Between(before, merged, schema);
        var changed = comparison.Changed;
        var conflicts = others.SelectMany(entry => entry.Fields.Intersection(changed).Paths().Select(path => (entry.Manager, Path: path))).ToList();
        if (manager == Kubectl && conflicts.Count > 0 && ClientSideApplied(before, apiVersion, schema) is { } clientSideApplied)
            conflicts.RemoveAll(conflict => clientSideApplied.Has(conflict.Path));
        if (conflicts.Count > 0 && !force)
            return new ApplyOutcome(null, [.. conflicts
                .Select(conflict => new FieldConflict(conflict.Manager, ListItems.Describe(conflict.Path)))
                .OrderBy(conflict => conflict.Manager, StringComparer.Ordinal)]);

        var objectChanged = !JsonNode.DeepEquals(before, merged);
        var applier = new ManagedFieldsEntry(manager, ManagedFieldsEntry.Apply, apiVersion,
            objectChanged || previous is null ? ManagedFieldsEntry.FormatTime(now) : previous.Time,
            subresource, appliedFields.Difference(Untracked));
        ManagedFields.Write(merged, [
            .. others.Select(entry => entry with { Fields = entry.Fields.Difference(changed).Difference(comparison.Removed) }),
            applier]);
        if (manager == Kubectl)
            SyncClientSideApplied(merged, config);
        return new ApplyOutcome(merged, []);
    }

    /// <summary>Records a non-apply write (create, update, patch) by <paramref name="manager"/>: the fields whose value it
    /// set or changed become its own (operation Update) and leave other managers' sets. Writes managedFields into
    /// <paramref name="updated"/>.</summary>
    public static void RecordUpdate(JsonObject? old, JsonObject updated, string manager, string apiVersion,
        DateTimeOffset now, string? subresource) =>
        RecordUpdate(old, updated, manager, apiVersion, BuiltInSchemas.For(apiVersion, (string?)updated["kind"] ?? ""), now, subresource);

    internal static void RecordUpdate(JsonObject? old, JsonObject updated, string manager, string apiVersion,
        ValueSchema schema, DateTimeOffset now, string? subresource)
    {
        // As Kubernetes does: a write may replace managedFields (or clear them with [{}]); one that drops them keeps the old.
        var entries = ManagedFields.IsReset(updated) ? [] : ManagedFields.Read(updated) ?? ManagedFields.Read(old) ?? [];

        var comparison = FieldComparison.Between(
            WithoutManagedFields(old ?? []), WithoutManagedFields(updated), schema);
        var changed = InScope(comparison.Changed, apiVersion, subresource);
        var removed = InScope(comparison.Removed, apiVersion, subresource);
        var taken = changed.Difference(Untracked);

        var mine = entries.FirstOrDefault(entry => entry.Identity == (manager, ManagedFieldsEntry.Update, apiVersion, subresource));
        var others = entries.Where(entry => entry != mine)
            .Select(entry => entry with { Fields = entry.Fields.Difference(changed).Difference(removed) });
        var myFields = (mine?.Fields ?? new FieldSet()).Difference(removed).Union(taken);
        var myEntry = new ManagedFieldsEntry(manager, ManagedFieldsEntry.Update, apiVersion,
            taken.IsEmpty ? mine?.Time : ManagedFieldsEntry.FormatTime(now), subresource, myFields);
        ManagedFields.Write(updated, [.. others, myEntry]);
    }

    /// <summary>An object that has no managedFields yet (written before they were tracked, or with unreadable ones):
    /// as in Kubernetes, everything in it first belongs to "before-first-apply", so an apply that changes it conflicts.</summary>
    private static ManagedFieldsEntry BeforeFirstApply(JsonObject live, string apiVersion, ValueSchema schema,
        DateTimeOffset now, string? subresource)
    {
        var fields = InScope(FieldComparison.Between([], live, schema).Changed, apiVersion, subresource).Difference(Untracked);
        return new ManagedFieldsEntry("before-first-apply", ManagedFieldsEntry.Update, apiVersion,
            ManagedFieldsEntry.FormatTime(now), subresource, fields);
    }

    /// <summary>The fields kubectl's client-side apply set (its last-applied-configuration annotation) that still hold
    /// the value it applied. Kubernetes lets the "kubectl" manager take those over without a conflict, so that moving
    /// an object from client-side to server-side apply does not fail on every field.</summary>
    private static FieldSet? ClientSideApplied(JsonObject live, string apiVersion, ValueSchema schema)
    {
        if (live["metadata"]?["annotations"]?[LastAppliedAnnotation] is not JsonValue annotation
            || !annotation.TryGetValue<string>(out var text) || text.Length == 0)
            return null;
        try
        {
            if (JsonNode.Parse(text) is not JsonObject lastApplied || (string?)lastApplied["apiVersion"] != apiVersion)
                return null;
            var differences = FieldComparison.Between(lastApplied, live, schema);
            return FieldSetBuilder.Build(lastApplied, schema)
                .Difference(differences.Modified).Difference(differences.Added).Difference(differences.Removed);
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or PatchException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>After a server-side apply by kubectl, an object that also carries client-side apply's annotation gets
    /// it rewritten to the applied configuration (as Go's JSON encoder writes it), so that a later client-side apply
    /// diffs against what was really applied. Dropped if it would exceed the annotations size limit.</summary>
    private static void SyncClientSideApplied(JsonObject merged, JsonObject config)
    {
        if (merged["metadata"]?["annotations"] is not JsonObject annotations
            || annotations[LastAppliedAnnotation] is not JsonValue current
            || !current.TryGetValue<string>(out var currentText) || currentText.Length == 0)
            return;
        var lastApplied = (JsonObject)config.DeepClone();
        if (lastApplied["metadata"]?["annotations"] is JsonObject appliedAnnotations)
        {
            appliedAnnotations.Remove(LastAppliedAnnotation);
            if (appliedAnnotations.Count == 0)
                ((JsonObject)lastApplied["metadata"]!).Remove("annotations");
        }
        annotations[LastAppliedAnnotation] = GoJson.Write(lastApplied) + "\n";
        var size = annotations.Sum(a => Encoding.UTF8.GetByteCount(a.Key)
            + ((a.Value as JsonValue)?.TryGetValue<string>(out var v) == true ? Encoding.UTF8.GetByteCount(v) : 0));
        if (size > AnnotationsSizeLimit)
            annotations.Remove(LastAppliedAnnotation);
    }

    /// <summary>Removes the fields <paramref name="lastApplied"/> holds that nobody owns any more (structured-merge-diff's
    /// prune): a field goes with everything below it unless some manager, or this apply, owns it or something below it.</summary>
    private static void Prune(JsonObject merged, FieldSet lastApplied, FieldSet owned, ValueSchema schema)
    {
        var stale = lastApplied.WithFieldsAsMembers().Difference(owned.WithFieldsAsMembers()).Difference(Untracked);
        if (!stale.IsEmpty)
            ApplyMerge.Remove(merged, stale, schema);
    }

    /// <summary>The part of an object a write to <paramref name="subresource"/> may change: only status for /status;
    /// all but status for the main resource of a built-in kind (their status is a subresource); all of a custom
    /// resource, whose status the core handles.</summary>
    private static JsonObject InScope(JsonObject obj, string apiVersion, string? subresource)
    {
        var scoped = new JsonObject();
        foreach (var (key, value) in obj)
            if (subresource == StatusSubresource ? key is "status" or "apiVersion" or "kind" : key != "status" || !BuiltInSchemas.IsBuiltIn(apiVersion))
                scoped[key] = value?.DeepClone();
        return scoped;
    }

    private static FieldSet InScope(FieldSet fields, string apiVersion, string? subresource) =>
        subresource == StatusSubresource ? fields.Within(Status)
        : BuiltInSchemas.IsBuiltIn(apiVersion) ? fields.Without(Status)
        : fields;

    private static JsonObject WithoutManagedFields(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        return copy;
    }
}
