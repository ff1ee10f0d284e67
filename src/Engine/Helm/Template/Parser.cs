using System.Globalization;

namespace Tide.Engine.Helm.Template;

/// <summary>Go's text/template parser: one source text into its main tree plus the trees it defines.</summary>
internal sealed class Parser
{
    private readonly string _name;
    private readonly string _src;
    private readonly List<Token> _tokens;
    private readonly List<ParsedTree> _defines;
    private int _i;
    private int _rangeDepth;

    private Parser(string name, string src, List<ParsedTree> defines)
    {
        _name = name;
        _src = src;
        _tokens = Lexer.Lex(name, src);
        _defines = defines;
    }

    /// <summary>Parses <paramref name="src"/> into its main tree and the trees of its {{define}}/{{block}}s, in
    /// source order.</summary>
    public static (ParsedTree Main, IReadOnlyList<ParsedTree> Defines) Parse(string name, string src)
    {
        var defines = new List<ParsedTree>();
        var parser = new Parser(name, src, defines);
        var root = parser.ParseList(out var end);
        if (end is not null)
            throw parser.Error(end.Value, $"unexpected {{{{{end.Value.Text}}}}}");
        return (new ParsedTree(name, src, root), defines);
    }

    private TemplateException Error(Token at, string message) =>
        new(Location.Describe(_name, _src, at.Pos, lineOnly: true) + ": " + message);

    private Token Peek() => _tokens[_i];

    private Token Next() => _tokens[_i++];

    private Token PeekNonSpace()
    {
        while (_tokens[_i].Kind == TokenKind.Space)
            _i++;
        return _tokens[_i];
    }

    private Token NextNonSpace()
    {
        PeekNonSpace();
        return _tokens[_i++];
    }

    private void ExpectRightDelim(string context)
    {
        var t = NextNonSpace();
        if (t.Kind != TokenKind.RightDelim)
            throw Error(t, $"unexpected \"{t.Text}\" in {context}");
    }

    /// <summary>Parses nodes up to EOF, {{end}} or {{else}}; returns the keyword token that stopped it (null at EOF).</summary>
    private ListNode ParseList(out Token? stop)
    {
        var list = new ListNode(Peek().Pos, []);
        while (true)
        {
            var t = Next();
            switch (t.Kind)
            {
                case TokenKind.Eof:
                    _i--;
                    stop = null;
                    return list;
                case TokenKind.Text:
                    list.Nodes.Add(new TextNode(t.Pos, t.Text));
                    continue;
                case TokenKind.LeftDelim:
                    var k = PeekNonSpace();
                    if (k.Kind == TokenKind.Keyword && k.Text is "end" or "else")
                    {
                        _i++;
                        stop = k;
                        return list;
                    }
                    var node = ParseAction(t);
                    if (node is not null)
                        list.Nodes.Add(node);
                    continue;
                default:
                    throw Error(t, "unexpected " + t.Text);
            }
        }
    }

    private Node? ParseAction(Token delim)
    {
        var t = PeekNonSpace();
        if (t.Kind == TokenKind.Keyword)
        {
            _i++;
            switch (t.Text)
            {
                case "if": return ParseControl(t, "if");
                case "with": return ParseControl(t, "with");
                case "range":
                    _rangeDepth++;
                    try { return ParseControl(t, "range"); }
                    finally { _rangeDepth--; }
                case "template": return ParseTemplate(t, "template");
                case "block": return ParseBlock(t);
                case "define": ParseDefine(t); return null;
                case "break":
                case "continue":
                    if (_rangeDepth == 0)
                        throw Error(t, $"{{{{{t.Text}}}}} outside {{{{range}}}}");
                    ExpectRightDelim(t.Text);
                    return t.Text == "break" ? new BreakNode(t.Pos) : new ContinueNode(t.Pos);
            }
        }
        return new ActionNode(delim.Pos, ParsePipeline("command", TokenKind.RightDelim));
    }

    private BranchNode ParseControl(Token keyword, string context)
    {
        var pipe = ParsePipeline(context, TokenKind.RightDelim);
        var list = ParseList(out var stop);
        ListNode? elseList = null;
        if (stop is null)
            throw Error(keyword, $"unexpected EOF");
        if (stop.Value.Text == "else")
        {
            var afterElse = PeekNonSpace();
            if ((context == "if" && afterElse is { Kind: TokenKind.Keyword, Text: "if" }) ||
                (context == "with" && afterElse is { Kind: TokenKind.Keyword, Text: "with" }))
            {
                // {{else if b}} is {{else}}{{if b}}...{{end}}{{end}} with the inner end shared, as in Go.
                _i++;
                elseList = new ListNode(stop.Value.Pos, [ParseControl(afterElse, context)]);
            }
            else
            {
                ExpectRightDelim("else");
                if (context == "range")
                    _rangeDepth--;
                try
                {
                    elseList = ParseList(out var end);
                    if (end is not { Text: "end" })
                        throw Error(end ?? keyword, "expected end; found " + (end?.Text ?? "EOF"));
                }
                finally
                {
                    if (context == "range")
                        _rangeDepth++;
                }
                ExpectRightDelim("end");
            }
        }
        else
        {
            ExpectRightDelim("end");
        }
        return new BranchNode(keyword.Pos, context, pipe, list, elseList);
    }

    private string ParseTemplateName(string context)
    {
        var t = NextNonSpace();
        return t.Kind switch
        {
            TokenKind.String => Lexer.Unquote(t.Text),
            TokenKind.RawString => t.Text[1..^1],
            _ => throw Error(t, $"unexpected \"{t.Text}\" in {context} clause"),
        };
    }

    private TemplateNode ParseTemplate(Token keyword, string context)
    {
        var name = ParseTemplateName(context);
        PipeNode? pipe = null;
        if (PeekNonSpace().Kind != TokenKind.RightDelim)
            pipe = ParsePipeline(context, TokenKind.RightDelim);
        else
            _i++;
        return new TemplateNode(keyword.Pos, name, pipe);
    }

    private TemplateNode ParseBlock(Token keyword)
    {
        var name = ParseTemplateName("block");
        var pipe = ParsePipeline("block", TokenKind.RightDelim);
        var saveRange = _rangeDepth;
        _rangeDepth = 0;
        var body = ParseList(out var stop);
        _rangeDepth = saveRange;
        if (stop is not { Text: "end" })
            throw Error(keyword, "unexpected EOF in block");
        ExpectRightDelim("end");
        AddDefine(name, body);
        return new TemplateNode(keyword.Pos, name, pipe);
    }

    private void ParseDefine(Token keyword)
    {
        var name = ParseTemplateName("define");
        ExpectRightDelim("define");
        var saveRange = _rangeDepth;
        _rangeDepth = 0;
        var body = ParseList(out var stop);
        _rangeDepth = saveRange;
        if (stop is not { Text: "end" })
            throw Error(keyword, "unexpected EOF in define");
        ExpectRightDelim("end");
        AddDefine(name, body);
    }

    private void AddDefine(string name, ListNode body) =>
        _defines.Add(new ParsedTree(_name, _src, body) { TemplateName = name });

    internal static bool IsEmpty(ListNode list) =>
        list.Nodes.All(n => n is TextNode t && string.IsNullOrWhiteSpace(t.Text));

    private PipeNode ParsePipeline(string context, TokenKind end)
    {
        var start = PeekNonSpace();
        var decl = new List<string>();
        var isAssign = false;
        if (start.Kind == TokenKind.Variable)
        {
            var save = _i;
            _i++;
            var next = PeekNonSpace();
            if (next.Kind is TokenKind.Declare or TokenKind.Assign)
            {
                _i++;
                isAssign = next.Kind == TokenKind.Assign;
                decl.Add(start.Text);
            }
            else if (next.Kind == TokenKind.Comma && context == "range")
            {
                _i++;
                var second = NextNonSpace();
                if (second.Kind != TokenKind.Variable)
                    throw Error(second, "range can only initialize variables");
                var op = NextNonSpace();
                if (op.Kind is not (TokenKind.Declare or TokenKind.Assign))
                    throw Error(op, "expected := or = after range variables");
                isAssign = op.Kind == TokenKind.Assign;
                decl.Add(start.Text);
                decl.Add(second.Text);
            }
            else
            {
                _i = save;
            }
        }
        var pipe = new PipeNode(start.Pos, isAssign, decl, []);
        while (true)
        {
            var t = PeekNonSpace();
            if (t.Kind == end)
            {
                _i++;
                if (pipe.Cmds.Count == 0)
                    throw Error(t, $"missing value for {context}");
                for (var i = 1; i < pipe.Cmds.Count; i++)
                    if (pipe.Cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
                        throw Error(t, $"non executable command in pipeline stage {i + 1}");
                return pipe;
            }
            switch (t.Kind)
            {
                case TokenKind.Bool or TokenKind.Char or TokenKind.Dot or TokenKind.Field or TokenKind.Identifier
                    or TokenKind.Number or TokenKind.Nil or TokenKind.RawString or TokenKind.String
                    or TokenKind.Variable or TokenKind.LeftParen:
                    pipe.Cmds.Add(ParseCommand());
                    break;
                default:
                    throw Error(t, $"unexpected \"{t.Text}\" in {context}");
            }
        }
    }

    private CommandNode ParseCommand()
    {
        var cmd = new CommandNode(PeekNonSpace().Pos, []);
        while (true)
        {
            PeekNonSpace();
            var operand = ParseOperand();
            if (operand is not null)
                cmd.Args.Add(operand);
            var t = Next();
            switch (t.Kind)
            {
                case TokenKind.Space:
                    continue;
                case TokenKind.RightDelim or TokenKind.RightParen:
                    _i--;
                    break;
                case TokenKind.Pipe:
                    break;
                default:
                    throw Error(t, $"unexpected \"{t.Text}\" in operand");
            }
            if (cmd.Args.Count == 0)
                throw Error(t, "empty command");
            return cmd;
        }
    }

    private Node? ParseOperand()
    {
        var node = ParseTerm();
        if (node is null || Peek().Kind != TokenKind.Field)
            return node;
        var chainPos = Peek().Pos;
        var fields = new List<string>();
        while (Peek().Kind == TokenKind.Field)
            fields.Add(Next().Text[1..]);
        return node switch
        {
            FieldNode f => new FieldNode(chainPos, [.. f.Idents, .. fields]),
            VariableNode v => new VariableNode(chainPos, [.. v.Idents, .. fields]),
            BoolNode or StringNode or NumberNode or NilNode or DotNode =>
                throw new TemplateException(Location.Describe(_name, _src, chainPos, lineOnly: true) + ": unexpected . after term"),
            _ => new ChainNode(chainPos, node, [.. fields]),
        };
    }

    private Node? ParseTerm()
    {
        var t = NextNonSpace();
        switch (t.Kind)
        {
            case TokenKind.Identifier: return new IdentifierNode(t.Pos, t.Text);
            case TokenKind.Dot: return new DotNode(t.Pos);
            case TokenKind.Nil: return new NilNode(t.Pos);
            case TokenKind.Variable: return new VariableNode(t.Pos, [t.Text]);
            case TokenKind.Field: return new FieldNode(t.Pos, [t.Text[1..]]);
            case TokenKind.Bool: return new BoolNode(t.Pos, t.Text == "true");
            case TokenKind.Number: return new NumberNode(t.Pos, t.Text, ParseNumber(t));
            case TokenKind.Char: return new NumberNode(t.Pos, t.Text, char.ConvertToUtf32(Lexer.Unquote("\"" + t.Text[1..^1].Replace("\\'", "'") + "\""), 0));
            case TokenKind.LeftParen:
                var pipe = ParsePipeline("parenthesized pipeline", TokenKind.RightParen);
                return pipe;
            case TokenKind.String: return new StringNode(t.Pos, t.Text, Lexer.Unquote(t.Text));
            case TokenKind.RawString: return new StringNode(t.Pos, t.Text, t.Text[1..^1].Replace("\r", ""));
            default:
                _i--;
                return null;
        }
    }

    /// <summary>A Go hexadecimal float ("1p60", "1.8p-3" after "0x"): hex mantissa times a power of two.</summary>
    private static double? HexFloat(string s)
    {
        var p = s.IndexOfAny(['p', 'P']);
        if (p <= 0 || !int.TryParse(s[(p + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent))
            return null;
        var mantissa = s[..p];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        if (digits.Length == 0 || !digits.All(char.IsAsciiHexDigit))
            return null;
        var fraction = dot < 0 ? 0 : mantissa.Length - dot - 1;
        var value = digits.Aggregate(0.0, (acc, c) => acc * 16 + Convert.ToInt32(c.ToString(), 16));
        return value * Math.Pow(2, exponent - 4 * fraction);
    }

    private object ParseNumber(Token t)
    {
        var s = t.Text.Replace("_", "");
        var neg = s.StartsWith('-');
        var body = s.TrimStart('+', '-');
        long? integer = null;
        if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !body.Contains('p', StringComparison.OrdinalIgnoreCase))
            integer = long.Parse(body[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        else if (body.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
            integer = Convert.ToInt64(body[2..], 2);
        else if (body.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
            integer = Convert.ToInt64(body[2..], 8);
        else if (body.Length > 1 && body[0] == '0' && body.All(char.IsAsciiDigit))
            integer = Convert.ToInt64(body, 8);
        else if (body.Length > 0 && body.All(char.IsAsciiDigit) && long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
            integer = l;
        if (integer is not null)
        {
            // Go's int is 64-bit; Tide keeps Go `int` as C# int and Go `int64` as long, so wide constants become int64.
            var value = neg ? -integer.Value : integer.Value;
            return value is >= int.MinValue and <= int.MaxValue ? (object)(int)value : value;
        }
        if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && HexFloat(body[2..]) is { } hex)
            return neg ? -hex : hex;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            // Go treats a float constant with an integral value as an int only when written without '.', 'e' or 'p'.
            return d;
        }
        throw Error(t, $"illegal number syntax: \"{t.Text}\"");
    }
}
