using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>What a kustomization directory has built so far: resources, transformer configuration, vars.</summary>
public sealed class Accumulation
{
    public ResourceMap Resources { get; } = new();

    public TransformerConfig Config { get; } = TransformerConfig.Default();

    public List<YMapping> Vars { get; } = [];

    public void Merge(Accumulation other)
    {
        Resources.AppendAll(other.Resources.Resources);
        Config.Merge(other.Config);
        foreach (var v in other.Vars)
        {
            if (Vars.Any(x => x.GetString("name") == v.GetString("name")))
                throw new KustomizeException($"var '{v.GetString("name")}' already encountered");
            Vars.Add(v);
        }
    }
}
