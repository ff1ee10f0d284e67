namespace Tide.Engine.Kustomize.FieldSpecs;

/// <summary>A referral kind and the fields of other kinds that hold its name (one nameReference entry).</summary>
public sealed record NameBackReference(Gvk Target, List<FieldSpec> Referrers);
