using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Images;

/// <summary>An `images` entry: which image name to match and what to set.</summary>
public sealed record ImageOverride(string Name, string NewName, string NewTag, string Digest)
{
    public static ImageOverride FromYaml(YMapping m) => new(
        m.GetString("name") ?? "", m.GetString("newName") ?? "", m.GetString("newTag") ?? "", m.GetString("digest") ?? "");
}
