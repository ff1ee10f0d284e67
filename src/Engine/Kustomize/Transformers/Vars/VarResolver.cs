using System.Text;
using System.Text.RegularExpressions;
using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Transformers.Replacements;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Vars;

/// <summary>
/// `vars` (deprecated in kustomize, still honoured): substitutes $(NAME) in the varReference fields, with the value
/// the var's field has in the resource <see cref="MarkReferencedResources"/> picked for it ("$$" escapes a "$").
/// </summary>
public sealed partial class VarResolver(IReadOnlyList<YMapping> vars, IReadOnlyList<FieldSpec> varReference) : ITransformer
{
    /// <summary>
    /// kustomize's MergeVars: each var of a kustomization is tied to the one resource its objref names among those
    /// that kustomization has built (later levels may add namesakes in other namespaces without making it ambiguous).
    /// Without a namespace in the objref any namespace matches.
    /// </summary>
    public static void MarkReferencedResources(IEnumerable<YMapping> newVars, ResourceMap resources)
    {
        foreach (var v in newVars)
        {
            var name = v.GetString("name") ?? "";
            var objRef = v.GetMapping("objref") ?? new YMapping();
            var target = new ResId(Gvk.FromApiVersion(objRef.GetString("apiVersion"), objRef.GetString("kind")),
                objRef.GetString("name") ?? "", objRef.GetString("namespace") ?? "");
            var withNamespace = target.Namespace.Length > 0 || target.Gvk.IsClusterScoped;
            var matches = resources.Resources.Where(r => r.AllIds.Any(id =>
                id.Gvk.IsSelectedBy(target.Gvk) && id.Name == target.Name &&
                (!withNamespace || id.EffectiveNamespace == target.EffectiveNamespace))).ToList();
            if (matches.Count > 1)
                throw new KustomizeException($"found {matches.Count} resId matches for var {name} (unable to disambiguate)");
            if (matches.Count == 1)
                matches[0].RefVarNames.Add(name);
        }
    }

    public void Transform(ResourceMap resources)
    {
        if (vars.Count == 0)
            return;
        var values = new Dictionary<string, YNode>();
        foreach (var v in vars)
        {
            var name = v.GetString("name") ?? "";
            var owner = resources.Resources.FirstOrDefault(r => r.RefVarNames.Contains(name))
                        ?? throw new KustomizeException($"var '{name}' cannot be mapped to a field in the set of known resources");
            var fieldRef = v.GetMapping("fieldref");
            var fieldPath = fieldRef?.Entries.FirstOrDefault(e => e.Key.Equals("fieldPath", StringComparison.OrdinalIgnoreCase)).Value
                is YScalar fp ? fp.Value : "metadata.name";
            var found = ReplacementPath.Find(owner.Node, BracketIndexes(fieldPath), create: false);
            if (found.Count == 0 || found[0].Get() is not { } value)
                throw new KustomizeException($"field specified in var '{name}' not found in corresponding resource");
            values[name] = value;
        }
        foreach (var r in resources.Resources)
        {
            var gvk = r.Gvk;
            foreach (var fs in varReference.Where(fs => gvk.IsSelectedBy(fs.Gvk)))
                FieldPath.Visit(r.Node, fs.Path, false, (parent, key) => parent[key] = ExpandField(parent[key]!, values));
        }
    }

    /// <summary>A field: a string, or the strings directly in a map or list (kustomize goes no deeper).</summary>
    private static YNode ExpandField(YNode node, Dictionary<string, YNode> values)
    {
        switch (node)
        {
            case YScalar s:
                return IsString(s) ? Expand(s.Value, values) : s;
            case YSequence seq:
                for (var i = 0; i < seq.Items.Count; i++)
                    seq.Items[i] = seq.Items[i] is YScalar item && IsString(item)
                        ? Expand(item.Value, values)
                        : throw new KustomizeException("invalid value type expect a string");
                return seq;
            case YMapping map:
                foreach (var (k, v) in map.Entries.ToList())
                    if (v is YScalar value && IsString(value))
                        map[k] = Expand(value.Value, values);
                return map;
            default:
                return node;
        }
    }

    private static bool IsString(YScalar s) => !s.IsNull && ScalarResolver.Resolve(s).Kind == ScalarKind.String;

    /// <summary>
    /// Kubernetes' $(VAR) expansion as kustomize forks it: "$$" is a "$", an unknown or non-scalar var stays
    /// "$(NAME)", and a field that is exactly one var takes the var's type (a number stays a number).
    /// </summary>
    private static YScalar Expand(string input, Dictionary<string, YNode> values)
    {
        var text = new StringBuilder();
        var checkpoint = 0;
        for (var cursor = 0; cursor < input.Length; cursor++)
        {
            if (input[cursor] != '$' || cursor + 1 >= input.Length)
                continue;
            text.Append(input, checkpoint, cursor - checkpoint);
            var rest = input.AsSpan(cursor + 1);
            var advance = 1;
            if (rest[0] == '$')
                text.Append('$');
            else if (rest[0] == '(' && rest.IndexOf(')') is var close and > 0)
            {
                var name = rest[1..close].ToString();
                advance = close + 1;
                var value = values.GetValueOrDefault(name) as YScalar;
                var resolved = value is null ? (ResolvedScalar?)null : ScalarResolver.Resolve(value);
                if (input == "$(" + name + ")")
                    return resolved is null ? YNode.Str(input) : Typed(resolved.Value);
                text.Append(resolved is null ? "$(" + name + ")" : resolved.Value.Kind == ScalarKind.Null ? "<nil>" : resolved.Value.Text);
            }
            else
                text.Append('$').Append(rest[0]);
            cursor += advance;
            checkpoint = cursor + 1;
        }
        text.Append(input, checkpoint, input.Length - checkpoint);
        return YNode.Str(text.ToString());
    }

    private static YScalar Typed(ResolvedScalar value) => value.Kind switch
    {
        ScalarKind.Int => new YScalar(value.Text) { Tag = "!!int" },
        ScalarKind.Bool => new YScalar(value.Text) { Tag = "!!bool" },
        ScalarKind.Float => new YScalar(value.Text) { Tag = "!!float" },
        _ => YNode.Str(value.Kind == ScalarKind.Null ? "" : value.Text),
    };

    /// <summary>"spec.ports[0].port" -> "spec.ports.0.port".</summary>
    private static string BracketIndexes(string path) => BracketIndex().Replace(path, ".$1");

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex BracketIndex();
}
