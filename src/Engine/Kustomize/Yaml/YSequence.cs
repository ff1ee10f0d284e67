namespace Tide.Engine.Kustomize.Yaml;

public sealed class YSequence : YNode
{
    public List<YNode> Items { get; } = [];

    public YSequence() { }

    public YSequence(IEnumerable<YNode> items) => Items.AddRange(items);

    public override YNode DeepClone()
    {
        var copy = new YSequence { Tag = Tag };
        foreach (var item in Items)
            copy.Items.Add(item.DeepClone());
        return copy;
    }
}
