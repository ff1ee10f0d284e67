using System.Text.RegularExpressions;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Patches;

/// <summary>A patch target: gvk, name and namespace as anchored regexes, plus label and annotation selectors.</summary>
public sealed record Selector(string Group, string Version, string Kind, string Name, string Namespace,
    string LabelSelector, string AnnotationSelector)
{
    public static Selector FromYaml(YMapping m) => new(
        m.GetString("group") ?? "", m.GetString("version") ?? "", m.GetString("kind") ?? "",
        m.GetString("name") ?? "", m.GetString("namespace") ?? "",
        m.GetString("labelSelector") ?? "", m.GetString("annotationSelector") ?? "");

    public List<Resource> Select(ResourceMap resources) => resources.Resources.Where(Matches).ToList();

    public bool Matches(Resource r)
    {
        var cur = r.CurId;
        var org = r.OrgId;
        if (!Match(Namespace, org.EffectiveNamespace) && !Match(Namespace, cur.EffectiveNamespace))
            return false;
        if (!Match(Name, org.Name) && !Match(Name, cur.Name))
            return false;
        var gvk = r.Gvk;
        if (!Match(Group, gvk.Group) || !Match(Version, gvk.Version) || !Match(Kind, gvk.Kind))
            return false;
        return LabelSelectorMatcher.Matches(LabelSelector, r.GetStringMap("labels")) &&
               LabelSelectorMatcher.Matches(AnnotationSelector, r.GetStringMap("annotations"));
    }

    private static bool Match(string pattern, string value) =>
        pattern.Length == 0 || Regex.IsMatch(value, "^(?:" + pattern + ")$");
}
