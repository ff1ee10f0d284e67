namespace Tide.Engine.Kustomize.Yaml;

/// <summary>A mapping with string keys in document order.</summary>
public sealed class YMapping : YNode
{
    private readonly List<KeyValuePair<string, YNode>> _entries = [];

    public IReadOnlyList<KeyValuePair<string, YNode>> Entries => _entries;

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public YNode? this[string key]
    {
        get
        {
            foreach (var entry in _entries)
                if (entry.Key == key)
                    return entry.Value;
            return null;
        }
        set
        {
            if (value is null)
            {
                Remove(key);
                return;
            }
            for (var i = 0; i < _entries.Count; i++)
                if (_entries[i].Key == key)
                {
                    _entries[i] = new(key, value);
                    return;
                }
            _entries.Add(new(key, value));
        }
    }

    public bool Remove(string key)
    {
        for (var i = 0; i < _entries.Count; i++)
            if (_entries[i].Key == key)
            {
                _entries.RemoveAt(i);
                return true;
            }
        return false;
    }

    public void Add(string key, YNode value) => this[key] = value;

    /// <summary>The string value of a scalar child, or null when absent or not a scalar.</summary>
    public string? GetString(string key) => this[key] is YScalar { IsNull: false } s ? s.Value : null;

    public YMapping? GetMapping(string key) => this[key] as YMapping;

    public YSequence? GetSequence(string key) => this[key] as YSequence;

    /// <summary>The mapping at key, created (and added) when absent or null.</summary>
    public YMapping GetOrAddMapping(string key)
    {
        if (this[key] is YMapping existing)
            return existing;
        var created = new YMapping();
        this[key] = created;
        return created;
    }

    public override YNode DeepClone()
    {
        var copy = new YMapping { Tag = Tag };
        foreach (var entry in _entries)
            copy._entries.Add(new(entry.Key, entry.Value.DeepClone()));
        return copy;
    }
}
