using System.Text;

namespace Tide.Engine.Helm.Template;

/// <summary>Walks one parsed template with Go's text/template execution rules.</summary>
internal sealed class Executor
{
    private const int MaxDepth = 100000;

    /// <summary>Go's "missing" final value: no value piped in (distinct from a piped nil).</summary>
    private static readonly object Missing = new();

    // Set by each map field lookup: whether it produced a nil entry; read right after a field chain as an argument.
    private bool _nilMapEntry;

    private enum Flow { Normal, Break, Continue }

    private readonly TemplateSet _set;
    private readonly ParsedTree _tree;
    private readonly StringBuilder _out;
    private readonly int _depth;
    private readonly List<(string Name, object? Value)> _vars = [];
    private Node _at;

    public Executor(TemplateSet set, ParsedTree tree, StringBuilder output, int depth)
    {
        _set = set;
        _tree = tree;
        _out = output;
        _depth = depth;
        _at = tree.Root;
    }

    public void Run(object? dot)
    {
        _vars.Add(("$", dot));
        Walk(dot, _tree.Root);
    }

    private TemplateException Fail(string detail, TemplateException? inner = null, string? failMessage = null) =>
        TemplateException.Exec(Location.Describe(_tree.Name, _tree.Source, _at.Pos), _tree.TemplateName,
            NodeText.Of(_at), detail, inner, failMessage);

    private Flow Walk(object? dot, Node node)
    {
        _at = node;
        switch (node)
        {
            case TextNode t:
                _out.Append(t.Text);
                return Flow.Normal;
            case ActionNode a:
                var val = EvalPipeline(dot, a.Pipe);
                if (a.Pipe.Decl.Count == 0)
                    PrintValue(val);
                return Flow.Normal;
            case ListNode list:
                foreach (var n in list.Nodes)
                {
                    var flow = Walk(dot, n);
                    if (flow != Flow.Normal)
                        return flow;
                }
                return Flow.Normal;
            case BranchNode { Kind: "range" } r:
                return WalkRange(dot, r);
            case BranchNode b:
                return WalkIfOrWith(dot, b);
            case TemplateNode t:
                WalkTemplate(dot, t);
                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            default:
                throw Fail("unknown node: " + node.GetType().Name);
        }
    }

    private void PrintValue(object? v)
    {
        if (v is null || v == Missing)
        {
            _out.Append("<no value>");
            return;
        }
        GoValue.AppendValue(_out, v, false);
    }

    private Flow WalkIfOrWith(object? dot, BranchNode b)
    {
        var mark = _vars.Count;
        try
        {
            var val = EvalPipeline(dot, b.Pipe);
            if (GoValue.IsTrue(val))
                return Walk(b.Kind == "with" ? val : dot, b.List);
            if (b.ElseList is not null)
                return Walk(dot, b.ElseList);
            return Flow.Normal;
        }
        finally
        {
            _vars.RemoveRange(mark, _vars.Count - mark);
        }
    }

    private Flow WalkRange(object? dot, BranchNode r)
    {
        var outer = _vars.Count;
        try
        {
            var val = EvalPipeline(dot, r.Pipe);
            var mark = _vars.Count;
            var ran = false;
            bool Iteration(object? index, object? elem)
            {
                ran = true;
                var decl = r.Pipe.Decl;
                if (decl.Count > 0)
                {
                    if (r.Pipe.IsAssign)
                    {
                        SetVar(decl[0], decl.Count > 1 ? index : elem);
                        if (decl.Count > 1)
                            SetVar(decl[1], elem);
                    }
                    else
                    {
                        _vars[mark - 1] = (_vars[mark - 1].Name, elem);
                        if (decl.Count > 1)
                            _vars[mark - 2] = (_vars[mark - 2].Name, index);
                    }
                }
                try
                {
                    return Walk(elem, r.List) != Flow.Break;
                }
                finally
                {
                    _vars.RemoveRange(mark, _vars.Count - mark);
                }
            }
            switch (val)
            {
                case List<object?> list:
                    for (var i = 0; i < list.Count; i++)
                        if (!Iteration(i, list[i]))
                            break;
                    break;
                case byte[] bytes:
                    for (var i = 0; i < bytes.Length; i++)
                        if (!Iteration(i, (int)bytes[i]))
                            break;
                    break;
                case Dictionary<string, object?> map:
                    foreach (var key in GoValue.SortedKeys(map))
                        if (!Iteration(key, map[key]))
                            break;
                    break;
                case IGoMap goMap:
                    foreach (var (key, value) in goMap.SortedEntries)
                        if (!Iteration(key, value))
                            break;
                    break;
                case int or long:
                    if (r.Pipe.Decl.Count > 1)
                        throw Fail($"can't use {GoValue.Format(val)} to iterate over more than one variable");
                    var n = GoValue.ToLong(val);
                    for (long i = 0; i < n; i++)
                    {
                        object boxed = val is int ? (int)i : i;
                        if (!Iteration(boxed, boxed))
                            break;
                    }
                    break;
                case null:
                    break;
                default:
                    throw Fail($"range can't iterate over {GoValue.Format(val)}");
            }
            if (!ran && r.ElseList is not null)
                return Walk(dot, r.ElseList);
            return Flow.Normal;
        }
        finally
        {
            _vars.RemoveRange(outer, _vars.Count - outer);
        }
    }

    private void WalkTemplate(object? dot, TemplateNode t)
    {
        if (!_set.TryGet(t.Name, out var tree))
            throw Fail($"template \"{t.Name}\" not defined");
        if (_depth >= MaxDepth)
            throw Fail($"exceeded maximum template depth ({MaxDepth})");
        var data = t.Pipe is null ? null : Unwrap(EvalPipeline(dot, t.Pipe));
        new Executor(_set, tree, _out, _depth + 1).Run(data);
    }

    private static object? Unwrap(object? v) => v == Missing ? null : v;

    private void SetVar(string name, object? value)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                _vars[i] = (name, value);
                return;
            }
        }
        throw Fail("undefined variable: " + name);
    }

    private object? VarValue(string name)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
            if (_vars[i].Name == name)
                return _vars[i].Value;
        throw Fail("undefined variable: " + name);
    }

    private object? EvalPipeline(object? dot, PipeNode pipe)
    {
        _at = pipe;
        var value = Missing;
        foreach (var cmd in pipe.Cmds)
            value = EvalCommand(dot, cmd, value);
        foreach (var name in pipe.Decl)
        {
            if (pipe.IsAssign)
                SetVar(name, Unwrap(value));
            else
                _vars.Add((name, Unwrap(value)));
        }
        return Unwrap(value);
    }

    private object? EvalCommand(object? dot, CommandNode cmd, object? final)
    {
        var first = cmd.Args[0];
        switch (first)
        {
            case FieldNode f:
                _at = f;
                return EvalFieldChain(dot, dot, f, f.Idents, cmd.Args, final);
            case ChainNode c:
                _at = c;
                var target = EvalArg(dot, c.Target, GoParam.Any);
                if (c.Target is NilNode)
                    throw Fail("indirection through explicit nil in " + NodeText.Of(c));
                return EvalFieldChain(dot, target, c, c.Fields, cmd.Args, final, receiverInvalid: true);
            case IdentifierNode id:
                return EvalFunction(dot, id, cmd, cmd.Args, final);
            case PipeNode p:
                NotAFunction(cmd.Args, final);
                return EvalPipeline(dot, p);
            case VariableNode v:
                _at = v;
                var value = VarValue(v.Idents[0]);
                if (v.Idents.Length == 1)
                {
                    NotAFunction(cmd.Args, final);
                    return value;
                }
                return EvalFieldChain(dot, value, v, v.Idents[1..], cmd.Args, final, receiverInvalid: true);
        }
        _at = first;
        NotAFunction(cmd.Args, final);
        return first switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw Fail("nil is not a command"),
            NumberNode n => n.Value,
            StringNode s => s.Text,
            _ => throw Fail("can't evaluate command " + NodeText.Of(first)),
        };
    }

    private void NotAFunction(List<Node> args, object? final)
    {
        if (args.Count > 1 || final != Missing)
            throw Fail($"can't give argument to non-function {NodeText.Of(args[0])}");
    }

    /// <summary>Evaluates .A.B.C on a receiver; only the last element receives arguments (and the piped value).</summary>
    /// <param name="receiverInvalid">True when a nil receiver is Go's invalid Value (a pipeline or variable result),
    /// which yields no value instead of the "nil pointer evaluating" error a nil map entry gives.</param>
    private object? EvalFieldChain(object? dot, object? receiver, Node node, string[] idents, List<Node>? args, object? final,
        bool receiverInvalid = false)
    {
        _nilMapEntry = false;
        if (receiver is null && receiverInvalid)
            return null;
        for (var i = 0; i < idents.Length - 1; i++)
            receiver = EvalField(dot, idents[i], node, null, Missing, receiver);
        return EvalField(dot, idents[^1], node, args, final, receiver);
    }

    private object? EvalField(object? dot, string name, Node node, List<Node>? args, object? final, object? receiver)
    {
        _nilMapEntry = false;
        var hasArgs = (args is not null && args.Count > 1) || final != Missing;
        switch (receiver)
        {
            case null:
                throw Fail($"nil pointer evaluating interface {{}}.{name}");
            case Dictionary<string, object?> map:
                if (hasArgs)
                    throw Fail($"{name} is not a method but has arguments");
                if (map.TryGetValue(name, out var v))
                {
                    _nilMapEntry = v is null;
                    return v;
                }
                if (_set.MissingKeyError)
                    throw Fail($"map has no entry for key \"{name}\"");
                _nilMapEntry = true;
                return null;
            case IGoObject obj:
                var callArgs = new List<object?>();
                if (args is not null)
                    for (var i = 1; i < args.Count; i++)
                        callArgs.Add(EvalArg(dot, args[i], GoParam.Any));
                if (final != Missing)
                    callArgs.Add(final);
                _at = node;
                object? result;
                try
                {
                    if (obj.TryGetMember(name, callArgs.ToArray(), out result))
                        return result;
                }
                catch (FunctionException e)
                {
                    throw Fail($"error calling {name}: {e.Message}", failMessage: e.IsFail ? e.Message : null);
                }
                if (obj is IGoMap goMap && !hasArgs)
                    return goMap.TryGetEntry(name, out var entry) ? entry : null;
                throw Fail($"can't evaluate field {name} in type {obj.GoType}");
            default:
                throw Fail($"can't evaluate field {name} in type {GoValue.TypeName(receiver)}");
        }
    }

    private object? EvalFunction(object? dot, IdentifierNode id, CommandNode cmd, List<Node> args, object? final)
    {
        _at = id;
        var name = id.Name;
        if (name is "and" or "or")
            return EvalAndOr(dot, name, args, final);
        if (!_set.TryGetFunction(name, out var fn))
            throw Fail($"\"{name}\" is not a defined function");
        var argc = args.Count - 1 + (final != Missing ? 1 : 0);
        if (fn.Tail is null ? argc != fn.Params.Length : argc < fn.Params.Length)
        {
            var want = fn.Tail is null ? $"want {fn.Params.Length}" : $"want at least {fn.Params.Length}";
            throw Fail($"wrong number of args for {name}: {want} got {argc}");
        }
        var argv = new object?[argc];
        for (var i = 1; i < args.Count; i++)
            argv[i - 1] = EvalArg(dot, args[i], fn.ParamAt(i - 1));
        if (final != Missing)
            argv[^1] = Validate(final, fn.ParamAt(argc - 1));
        try
        {
            return fn.Body(argv);
        }
        catch (FunctionException e)
        {
            _at = cmd;
            throw Fail($"error calling {name}: {e.Message}", failMessage: e.IsFail ? e.Message : null);
        }
        catch (TemplateException e) when (e.ExecLocation is not null)
        {
            _at = cmd;
            throw Fail($"error calling {name}:", e);
        }
        catch (TemplateException e)
        {
            _at = cmd;
            throw Fail($"error calling {name}: {e.Message}");
        }
        catch (Exception e) when (e is ArithmeticException or ArgumentException or InvalidOperationException or InvalidCastException
                                      or IndexOutOfRangeException or FormatException or NotSupportedException or System.Security.Cryptography.CryptographicException)
        {
            // text/template recovers a panicking function and reports it as that function's error.
            _at = cmd;
            throw Fail($"error calling {name}: {e.Message}");
        }
    }

    /// <summary>Go 1.18+ and/or: arguments are evaluated only until the result is known.</summary>
    private object? EvalAndOr(object? dot, string name, List<Node> args, object? final)
    {
        if (args.Count - 1 + (final != Missing ? 1 : 0) < 1)
            throw Fail($"wrong number of args for {name}: want at least 1 got 0");
        object? v = null;
        for (var i = 1; i < args.Count; i++)
        {
            v = EvalArg(dot, args[i], GoParam.Any);
            if (GoValue.IsTrue(v) == (name == "or"))
                return v;
        }
        if (final != Missing)
            v = final;
        return v;
    }

    private object? EvalArg(object? dot, Node n, GoParam param)
    {
        _at = n;
        switch (n)
        {
            case DotNode:
                return Validate(dot, param);
            case NilNode:
                if (param is GoParam.Any or GoParam.Map or GoParam.List)
                    return null;
                throw Fail($"cannot assign nil to {ParamName(param)}");
            case FieldNode f:
                {
                    var value = EvalFieldChain(dot, dot, f, f.Idents, null, Missing);
                    return Validate(value, param, _nilMapEntry);
                }
            case VariableNode v:
                {
                    var value = VarValue(v.Idents[0]);
                    var fromMap = false;
                    if (v.Idents.Length > 1)
                    {
                        value = EvalFieldChain(dot, value, v, v.Idents[1..], null, Missing, receiverInvalid: true);
                        fromMap = _nilMapEntry;
                    }
                    _at = n;
                    return Validate(value, param, fromMap);
                }
            case PipeNode p:
                {
                    var value = EvalPipeline(dot, p);
                    _at = n;
                    return Validate(value, param);
                }
            case IdentifierNode id:
                {
                    var value = EvalFunction(dot, id, new CommandNode(id.Pos, [id]), [id], Missing);
                    _at = n;
                    return Validate(value, param);
                }
            case ChainNode c:
                {
                    var target = EvalArg(dot, c.Target, GoParam.Any);
                    var value = EvalFieldChain(dot, target, c, c.Fields, null, Missing, receiverInvalid: true);
                    _at = n;
                    return Validate(value, param, _nilMapEntry);
                }
        }
        return param switch
        {
            GoParam.Any => n switch
            {
                BoolNode b => b.Value,
                NumberNode num => num.Value,
                StringNode s => s.Text,
                _ => throw Fail("can't handle " + NodeText.Of(n)),
            },
            GoParam.Bool => n is BoolNode b ? b.Value : throw Fail($"expected bool; found {NodeText.Of(n)}"),
            GoParam.String => n is StringNode s ? s.Text : throw Fail($"expected string; found {NodeText.Of(n)}"),
            GoParam.Int => n is NumberNode { Value: int i } ? i : throw Fail($"expected integer; found {NodeText.Of(n)}"),
            GoParam.Int64 => n is NumberNode { Value: int or long } num2 ? GoValue.ToLong(num2.Value) : throw Fail($"expected integer; found {NodeText.Of(n)}"),
            GoParam.Float64 => n is NumberNode num3 ? Convert.ToDouble(num3.Value, System.Globalization.CultureInfo.InvariantCulture) : throw Fail($"expected float; found {NodeText.Of(n)}"),
            _ => throw Fail($"can't handle {NodeText.Of(n)} for arg of type {ParamName(param)}"),
        };
    }

    private static string ParamName(GoParam p) => p switch
    {
        GoParam.String => "string",
        GoParam.Int => "int",
        GoParam.Int64 => "int64",
        GoParam.Float64 => "float64",
        GoParam.Bool => "bool",
        GoParam.Map => "map[string]interface {}",
        GoParam.List => "[]interface {}",
        GoParam.Time => "time.Time",
        _ => "interface {}",
    };

    /// <param name="nilMapEntry">The value is a nil map entry (present or, under helm's missingkey=zero, absent):
    /// Go sees an interface{} holding nil, which no typed parameter accepts.</param>
    private object? Validate(object? value, GoParam param, bool nilMapEntry = false)
    {
        if (value == Missing)
            value = null;
        if (value is null && nilMapEntry && param is not GoParam.Any)
            throw Fail($"wrong type for value; expected {ParamName(param)}; got interface {{}}");
        var ok = param switch
        {
            GoParam.Any => true,
            GoParam.String => value is string,
            GoParam.Int => value is int,
            GoParam.Int64 => value is long,
            GoParam.Float64 => value is double,
            GoParam.Bool => value is bool,
            GoParam.Map => value is null or Dictionary<string, object?>,
            GoParam.List => value is null or List<object?>,
            GoParam.Time => value is IGoObject { GoType: "time.Time" },
            _ => true,
        };
        if (ok)
            return value;
        if (value is null)
            throw Fail($"invalid value; expected {ParamName(param)}");
        throw Fail($"wrong type for value; expected {ParamName(param)}; got {GoValue.TypeName(value)}");
    }
}
