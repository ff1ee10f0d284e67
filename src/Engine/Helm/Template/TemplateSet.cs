using System.Collections.Concurrent;
using System.Text;

namespace Tide.Engine.Helm.Template;

/// <summary>
/// A set of associated templates (Go's *template.Template with its namespace): every parsed file and every
/// {{define}} shares one name space and one function map.
/// </summary>
public sealed class TemplateSet
{
    private readonly Dictionary<string, ParsedTree> _trees;

    /// <summary>For a clone: the set it was cloned from, read through when this set has no tree of a name. The
    /// original is no longer parsed into once templates execute, so sharing it is safe and makes tpl's clone cheap.</summary>
    private readonly TemplateSet? _base;
    private readonly IReadOnlyDictionary<string, GoFunction> _shared;
    private readonly Func<TemplateSet, IEnumerable<GoFunction>> _bound;
    private readonly Dictionary<string, GoFunction> _own = new(StringComparer.Ordinal);

    /// <param name="shared">Functions that do not depend on the set (builtins, Sprig, most of Helm's).</param>
    /// <param name="bound">Functions that close over the set they run in (Helm's include and tpl); a clone gets
    /// its own, so that templates defined inside tpl can be included there.</param>
    public TemplateSet(IReadOnlyDictionary<string, GoFunction> shared, Func<TemplateSet, IEnumerable<GoFunction>> bound)
        : this(shared, bound, new Dictionary<string, ParsedTree>(StringComparer.Ordinal))
    {
    }

    private TemplateSet(IReadOnlyDictionary<string, GoFunction> shared, Func<TemplateSet, IEnumerable<GoFunction>> bound,
        Dictionary<string, ParsedTree> trees, TemplateSet? baseSet = null)
    {
        _base = baseSet;
        _shared = shared;
        _bound = bound;
        _trees = trees;
        foreach (var f in bound(this))
            _own[f.Name] = f;
    }

    public bool TryGetFunction(string name, out GoFunction function) =>
        _own.TryGetValue(name, out function!) || _shared.TryGetValue(name, out function!);

    /// <summary>Go's missingkey option: false = "zero" (Helm's default), true = "error" (helm --strict).</summary>
    public bool MissingKeyError { get; init; }

    /// <summary>Parses <paramref name="text"/> as template <paramref name="name"/>; its defines join the set.</summary>
    public void Parse(string name, string text) => Add(name, text);

    // Parse trees are immutable, so one text parsed under one name is parsed once per process: rendering a chart
    // again (every reconcile) or calling tpl with the same string skips the parser.
    private static readonly ConcurrentDictionary<(string Name, string Text), (ParsedTree Main, IReadOnlyList<ParsedTree> Defines)> ParseCache = new();
    private const int ParseCacheLimit = 20000;

    private ParsedTree Add(string name, string text)
    {
        if (!ParseCache.TryGetValue((name, text), out var parsed))
        {
            parsed = Parser.Parse(name, text);
            CheckFunctions(parsed.Main);
            foreach (var define in parsed.Defines)
                CheckFunctions(define);
            if (ParseCache.Count > ParseCacheLimit)
                ParseCache.Clear();
            ParseCache[(name, text)] = parsed;
        }
        foreach (var define in parsed.Defines)
            Associate(define.TemplateName, define);
        Associate(name, parsed.Main);
        return parsed.Main;
    }

    /// <summary>Go's parser rejects a call of an undefined function anywhere in the text, executed or not.</summary>
    private void CheckFunctions(ParsedTree tree)
    {
        void Visit(Node? node)
        {
            switch (node)
            {
                case null:
                    return;
                case IdentifierNode id when id.Name is not ("and" or "or") && !TryGetFunction(id.Name, out _):
                    throw new TemplateException($"{Location.Describe(tree.Name, tree.Source, id.Pos, lineOnly: true)}: function \"{id.Name}\" not defined");
                case ListNode l: l.Nodes.ForEach(Visit); return;
                case ActionNode a: Visit(a.Pipe); return;
                case PipeNode p: p.Cmds.ForEach(Visit); return;
                case CommandNode c: c.Args.ForEach(Visit); return;
                case ChainNode ch: Visit(ch.Target); return;
                case BranchNode b: Visit(b.Pipe); Visit(b.List); Visit(b.ElseList); return;
                case TemplateNode t: Visit(t.Pipe); return;
            }
        }
        Visit(tree.Root);
    }

    /// <summary>Go's associate: an empty body never replaces an existing template of the same name.</summary>
    private void Associate(string name, ParsedTree tree)
    {
        if (!(Has(name) && Parser.IsEmpty(tree.Root)))
            _trees[name] = tree;
    }

    /// <summary>Go's t.New(name).Parse(text) then Execute: runs this text itself, even when an existing template of
    /// that name is kept because the text is empty (what Helm's tpl relies on).</summary>
    public string ParseAndExecute(string name, string text, object? data)
    {
        var tree = Add(name, text);
        var sb = new StringBuilder();
        new Executor(this, tree, sb, 0).Run(data);
        return sb.ToString();
    }

    public bool Has(string name) => TryGet(name, out _);

    /// <summary>A copy whose later definitions do not leak back into this set (Helm's tpl works on a clone).</summary>
    public TemplateSet Clone() => new(_shared, _bound, new Dictionary<string, ParsedTree>(StringComparer.Ordinal), this)
    {
        MissingKeyError = MissingKeyError,
    };

    public string Execute(string name, object? data)
    {
        var sb = new StringBuilder();
        Execute(name, data, sb, 0);
        return sb.ToString();
    }

    internal void Execute(string name, object? data, StringBuilder output, int depth)
    {
        if (!TryGet(name, out var tree))
            throw new TemplateException($"template: no template \"{name}\" associated with template \"gotpl\"");
        new Executor(this, tree, output, depth).Run(data);
    }

    internal bool TryGet(string name, out ParsedTree tree) =>
        _trees.TryGetValue(name, out tree!) || (_base is not null && _base.TryGet(name, out tree));
}
