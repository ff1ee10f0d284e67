using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Images;

/// <summary>`images`: rewrites container images (in every containers/initContainers list, and at field specs).</summary>
public sealed class ImageTagTransformer(ImageOverride image, IReadOnlyList<FieldSpec> fieldSpecs) : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        foreach (var resource in resources.Resources)
        {
            UpdateContainers(resource.Node);
            var gvk = resource.Gvk;
            foreach (var fs in fieldSpecs.Where(fs => gvk.IsSelectedBy(fs.Gvk)))
                FieldPath.Visit(resource.Node, fs.Path, false, (parent, key) =>
                {
                    if (parent[key] is YScalar s)
                        Update(parent, key, s.Value);
                });
        }
    }

    private void UpdateContainers(YNode node)
    {
        switch (node)
        {
            case YMapping map:
                foreach (var (key, value) in map.Entries.ToList())
                {
                    if (key is "containers" or "initContainers" && value is YSequence containers)
                        foreach (var c in containers.Items.OfType<YMapping>())
                            if (c["image"] is YScalar s)
                                Update(c, "image", s.Value);
                    UpdateContainers(value);
                }
                break;
            case YSequence seq:
                foreach (var item in seq.Items)
                    UpdateContainers(item);
                break;
        }
    }

    private void Update(YMapping parent, string key, string value)
    {
        var (name, tag, digest) = Split(value);
        if (name != image.Name)
            return;
        if (image.NewName.Length > 0)
            name = image.NewName;
        if (image.NewTag.Length > 0 && image.Digest.Length > 0)
            (tag, digest) = (image.NewTag, image.Digest);
        else if (image.NewTag.Length > 0)
            (tag, digest) = (image.NewTag, "");
        else if (image.Digest.Length > 0)
            (tag, digest) = ("", image.Digest);
        var result = name + (tag.Length > 0 ? ":" + tag : "") + (digest.Length > 0 ? "@" + digest : "");
        parent[key] = YNode.Str(result);
    }

    /// <summary>Splits "registry:5000/app:tag@sha256:..." into name, tag and digest (the registry port is not a tag).</summary>
    public static (string Name, string Tag, string Digest) Split(string imageName)
    {
        var slash = imageName.IndexOf('/');
        var offset = slash > 0 ? slash : 0;
        var search = imageName[offset..];
        var at = search.IndexOf('@');
        var colon = search.IndexOf(':');
        if (colon < 0 && at < 0)
            return (imageName, "", "");
        if (at >= 0 && (at < colon || colon < 0))
            return (imageName[..(at + offset)], "", imageName[(at + offset + 1)..]);
        if (at >= 0 && colon >= 0)
            return (imageName[..(colon + offset)], imageName[(colon + offset + 1)..(at + offset)], imageName[(at + offset + 1)..]);
        return (imageName[..(colon + offset)], imageName[(colon + offset + 1)..], "");
    }
}
