using System.Globalization;
using System.Text;

namespace Tide.Engine.Helm.Template;

internal enum TokenKind
{
    Text, LeftDelim, RightDelim, Space, Identifier, Field, Variable, String, RawString, Char, Number, Bool, Nil, Dot,
    Pipe, LeftParen, RightParen, Declare, Assign, Comma, Keyword, Eof,
}

internal readonly record struct Token(TokenKind Kind, int Pos, string Text);

/// <summary>Go's text/template lexer: text and actions, trim markers, comments, and the tokens inside actions.</summary>
internal sealed class Lexer
{
    private static readonly HashSet<string> Keywords =
        ["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"];

    private readonly string _name;
    private readonly string _src;
    private readonly List<Token> _tokens = [];
    private int _pos;

    private Lexer(string name, string src)
    {
        _name = name;
        _src = src;
    }

    public static List<Token> Lex(string name, string src)
    {
        var lexer = new Lexer(name, src);
        lexer.Run();
        return lexer._tokens;
    }

    private TemplateException Error(int pos, string message) =>
        new(Location.Describe(_name, _src, pos, lineOnly: true) + ": " + message);

    private void Run()
    {
        var trimNextText = false;
        while (_pos < _src.Length)
        {
            var open = _src.IndexOf("{{", _pos, StringComparison.Ordinal);
            var textEnd = open < 0 ? _src.Length : open;
            // "{{- " trims the text before it; the dash must be followed by a space ("{{-3}}" is a number).
            var trimLeft = open >= 0 && open + 3 < _src.Length && _src[open + 2] == '-' && IsSpace(_src[open + 3]);
            var text = _src[_pos..textEnd];
            var textPos = _pos;
            if (trimNextText)
            {
                var trimmed = text.TrimStart(' ', '\t', '\r', '\n');
                textPos += text.Length - trimmed.Length;
                text = trimmed;
            }
            if (trimLeft)
                text = text.TrimEnd(' ', '\t', '\r', '\n');
            if (text.Length > 0)
                _tokens.Add(new Token(TokenKind.Text, textPos, text));
            if (open < 0)
                break;
            _pos = open + 2 + (trimLeft ? 2 : 0);
            trimNextText = LexAction(open);
        }
        _tokens.Add(new Token(TokenKind.Eof, _src.Length, ""));
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Lexes one action or comment; returns whether it ended with a right trim marker.</summary>
    private bool LexAction(int open)
    {
        // Comments: "{{/*" or "{{- /*", up to "*/" directly followed by "}}" or " -}}".
        if (_src.AsSpan(_pos).StartsWith("/*"))
        {
            var close = _src.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
            if (close < 0)
                throw Error(open, "unclosed comment");
            _pos = close + 2;
            if (_src.AsSpan(_pos).StartsWith(" -}}") || _src.AsSpan(_pos).StartsWith("\t-}}") ||
                _src.AsSpan(_pos).StartsWith("\n-}}") || _src.AsSpan(_pos).StartsWith("\r-}}"))
            {
                _pos += 4;
                return true;
            }
            if (_src.AsSpan(_pos).StartsWith("}}"))
            {
                _pos += 2;
                return false;
            }
            throw Error(open, "comment ends before closing delimiter");
        }
        _tokens.Add(new Token(TokenKind.LeftDelim, open, "{{"));
        var parenDepth = 0;
        while (true)
        {
            if (_pos >= _src.Length)
                throw Error(open, "unclosed action");
            var c = _src[_pos];
            if (IsSpace(c))
            {
                var start = _pos;
                while (_pos < _src.Length && IsSpace(_src[_pos]))
                    _pos++;
                if (_src.AsSpan(_pos).StartsWith("-}}"))
                {
                    if (parenDepth > 0)
                        throw Error(start, "unclosed left paren");
                    _tokens.Add(new Token(TokenKind.RightDelim, _pos, "}}"));
                    _pos += 3;
                    return true;
                }
                _tokens.Add(new Token(TokenKind.Space, start, _src[start.._pos]));
                continue;
            }
            if (_src.AsSpan(_pos).StartsWith("}}"))
            {
                if (parenDepth > 0)
                    throw Error(_pos, "unclosed left paren");
                _tokens.Add(new Token(TokenKind.RightDelim, _pos, "}}"));
                _pos += 2;
                return false;
            }
            var p = _pos;
            switch (c)
            {
                case '|':
                    _tokens.Add(new Token(TokenKind.Pipe, p, "|"));
                    _pos++;
                    break;
                case '(':
                    parenDepth++;
                    _tokens.Add(new Token(TokenKind.LeftParen, p, "("));
                    _pos++;
                    break;
                case ')':
                    parenDepth--;
                    if (parenDepth < 0)
                        throw Error(p, "unexpected right paren");
                    _tokens.Add(new Token(TokenKind.RightParen, p, ")"));
                    _pos++;
                    break;
                case ',':
                    _tokens.Add(new Token(TokenKind.Comma, p, ","));
                    _pos++;
                    break;
                case ':':
                    if (_pos + 1 < _src.Length && _src[_pos + 1] == '=')
                    {
                        _tokens.Add(new Token(TokenKind.Declare, p, ":="));
                        _pos += 2;
                        break;
                    }
                    throw Error(p, "expected :=");
                case '=':
                    _tokens.Add(new Token(TokenKind.Assign, p, "="));
                    _pos++;
                    break;
                case '"':
                    LexQuote(p);
                    break;
                case '`':
                    {
                        var end = _src.IndexOf('`', _pos + 1);
                        if (end < 0)
                            throw Error(p, "unterminated raw quoted string");
                        _tokens.Add(new Token(TokenKind.RawString, p, _src[p..(end + 1)]));
                        _pos = end + 1;
                        break;
                    }
                case '\'':
                    LexChar(p);
                    break;
                case '$':
                    _pos++;
                    while (_pos < _src.Length && IsAlnum(_src[_pos]))
                        _pos++;
                    _tokens.Add(new Token(TokenKind.Variable, p, _src[p.._pos]));
                    break;
                case '.':
                    if (_pos + 1 < _src.Length && char.IsAsciiDigit(_src[_pos + 1]))
                    {
                        LexNumber(p);
                        break;
                    }
                    _pos++;
                    if (_pos < _src.Length && IsAlnum(_src[_pos]))
                    {
                        while (_pos < _src.Length && IsAlnum(_src[_pos]))
                            _pos++;
                        _tokens.Add(new Token(TokenKind.Field, p, _src[p.._pos]));
                    }
                    else
                    {
                        _tokens.Add(new Token(TokenKind.Dot, p, "."));
                    }
                    break;
                default:
                    if (c is '+' or '-' || char.IsAsciiDigit(c))
                    {
                        LexNumber(p);
                        break;
                    }
                    if (IsAlnum(c))
                    {
                        while (_pos < _src.Length && IsAlnum(_src[_pos]))
                            _pos++;
                        var word = _src[p.._pos];
                        var kind = word switch
                        {
                            "true" or "false" => TokenKind.Bool,
                            "nil" => TokenKind.Nil,
                            _ when Keywords.Contains(word) => TokenKind.Keyword,
                            _ => TokenKind.Identifier,
                        };
                        _tokens.Add(new Token(kind, p, word));
                        break;
                    }
                    throw Error(p, $"unrecognized character in action: {Describe(c)}");
            }
        }
    }

    private static string Describe(char c) => c < ' ' ? $"U+{(int)c:X4}" : $"U+{(int)c:X4} '{c}'";

    private static bool IsAlnum(char c) => c == '_' || char.IsLetterOrDigit(c);

    private void LexQuote(int p)
    {
        _pos++;
        while (true)
        {
            if (_pos >= _src.Length || _src[_pos] == '\n')
                throw Error(p, "unterminated quoted string");
            var c = _src[_pos++];
            if (c == '\\')
            {
                if (_pos >= _src.Length)
                    throw Error(p, "unterminated quoted string");
                _pos++;
            }
            else if (c == '"')
            {
                break;
            }
        }
        _tokens.Add(new Token(TokenKind.String, p, _src[p.._pos]));
    }

    private void LexChar(int p)
    {
        _pos++;
        while (true)
        {
            if (_pos >= _src.Length || _src[_pos] == '\n')
                throw Error(p, "unterminated character constant");
            var c = _src[_pos++];
            if (c == '\\')
                _pos++;
            else if (c == '\'')
                break;
        }
        _tokens.Add(new Token(TokenKind.Char, p, _src[p.._pos]));
    }

    private void LexNumber(int p)
    {
        if (_src[_pos] is '+' or '-')
            _pos++;
        while (_pos < _src.Length && (char.IsAsciiLetterOrDigit(_src[_pos]) || _src[_pos] is '.' or '_' ||
                                      (_src[_pos] is '+' or '-' && _src[_pos - 1] is 'e' or 'E' or 'p' or 'P')))
            _pos++;
        _tokens.Add(new Token(TokenKind.Number, p, _src[p.._pos]));
    }

    /// <summary>Go's strconv.Unquote for a double-quoted string literal.</summary>
    public static string Unquote(string quoted)
    {
        var sb = new StringBuilder();
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            var e = quoted[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case '\'': sb.Append('\''); break;
                case 'x':
                    sb.Append((char)int.Parse(quoted.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case 'u':
                    sb.Append((char)int.Parse(quoted.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case 'U':
                    sb.Append(char.ConvertFromUtf32(int.Parse(quoted.AsSpan(i + 1, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                    i += 8;
                    break;
                default:
                    if (e is >= '0' and <= '7')
                    {
                        sb.Append((char)Convert.ToInt32(quoted.Substring(i, 3), 8));
                        i += 2;
                        break;
                    }
                    throw new TemplateException("invalid syntax in string " + quoted);
            }
        }
        return sb.ToString();
    }
}
