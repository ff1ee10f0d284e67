namespace Tide.Engine.Kustomize;

/// <summary>A resource's identity: group/version/kind, name and namespace (kustomize's ResId).</summary>
public sealed record ResId(Gvk Gvk, string Name, string Namespace)
{
    /// <summary>Namespace as the API server sees it: "default" when unset, nothing for cluster-scoped kinds.</summary>
    public string EffectiveNamespace =>
        Gvk.IsClusterScoped ? "_non_namespaceable_" : Namespace is "" or "default" ? "default" : Namespace;

    /// <summary>kustomize's ResId.Equals: same group, version, kind and name, in the same effective namespace.</summary>
    public bool SameAs(ResId other) => Gvk == other.Gvk && Name == other.Name && EffectiveNamespace == other.EffectiveNamespace;

    public override string ToString()
    {
        var g = Gvk.Group.Length > 0 ? Gvk.Group : "[noGrp]";
        var v = Gvk.Version.Length > 0 ? Gvk.Version : "[noVer]";
        var k = Gvk.Kind.Length > 0 ? Gvk.Kind : "[noKind]";
        var ns = Namespace.Length > 0 ? Namespace : "[noNs]";
        var n = Name.Length > 0 ? Name : "[noName]";
        return $"{k}.{v}.{g}/{n}.{ns}";
    }
}
