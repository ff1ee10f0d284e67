using System.Text;

namespace Tide.Engine.Substitution;

/// <summary>
/// Bash-style parameter expansion as Flux's envsubst fork (fluxcd/pkg/envsubst) does it: only <c>${...}</c> forms are
/// expanded (<c>$var</c> stays text), <c>$$</c> writes a literal <c>$</c> (so <c>$${var}</c> yields <c>${var}</c>),
/// and the operators are <c>${#v}</c>, <c>${v^}</c>, <c>${v^^}</c>, <c>${v,}</c>, <c>${v,,}</c>, <c>${v:n}</c>,
/// <c>${v:n:len}</c>, <c>${v#p}</c>, <c>${v##p}</c>, <c>${v%p}</c>, <c>${v%%p}</c>, <c>${v/p/r}</c>, <c>${v//p/r}</c>,
/// <c>${v/#p/r}</c>, <c>${v/%p/r}</c>, and the defaults <c>${v=d}</c>, <c>${v:=d}</c>, <c>${v:-d}</c>, <c>${v:+d}</c>,
/// <c>${v:?d}</c>, which, as in Flux, all mean "the default when the value is empty".
/// </summary>
public static class EnvSubst
{
    /// <summary>
    /// Expands <paramref name="text"/>. <paramref name="lookup"/> returns null for an undefined variable; an undefined
    /// variable used without a default operator is an error (Flux's strict mode). For non-strict behaviour, return ""
    /// for undefined variables.
    /// </summary>
    /// <exception cref="EnvSubstException">bad syntax, or an undefined variable without a default</exception>
    public static string Evaluate(string text, Func<string, string?> lookup)
    {
        var nodes = new Parser(text).ParseText();
        var output = new StringBuilder(text.Length);
        foreach (var node in nodes)
            node.Write(output, lookup);
        return output.ToString();
    }

    private abstract record Node
    {
        public abstract void Write(StringBuilder output, Func<string, string?> lookup);
    }

    private sealed record TextNode(string Text) : Node
    {
        public override void Write(StringBuilder output, Func<string, string?> lookup) => output.Append(Text);
    }

    /// <summary>An expansion: <paramref name="Operator"/> applied to the variable with the evaluated arguments.</summary>
    private sealed record ExpansionNode(string Variable, string Operator, IReadOnlyList<Node> Args) : Node
    {
        private static readonly HashSet<string> DefaultOperators = ["-", "+", "=", "?", ":-", ":+", ":=", ":?"];

        public override void Write(StringBuilder output, Func<string, string?> lookup)
        {
            var args = Args.Select(a =>
            {
                var sb = new StringBuilder();
                a.Write(sb, lookup);
                return sb.ToString();
            }).ToList();
            var value = lookup(Variable);
            if (value is null && !DefaultOperators.Contains(Operator))
                throw new EnvSubstException($"variable not set (strict mode): \"{Variable}\"", Variable);
            output.Append(StringFunctions.Apply(Operator, value ?? "", args));
        }
    }

    /// <summary>
    /// A recursive-descent parser over a character cursor. Which characters a token may hold, whether <c>${</c> ends
    /// it, and which escapes apply change with the position in the expression, as in Flux's scanner.
    /// </summary>
    private sealed class Parser(string text)
    {
        private int _pos;

        private enum Escapes { None, Dollar, DollarAndBackslash }

        public List<Node> ParseText()
        {
            var nodes = new List<Node>();
            while (_pos < text.Length)
            {
                if (AtExpansionStart())
                {
                    _pos += 2;
                    nodes.Add(ParseExpansion());
                    continue;
                }
                nodes.Add(new TextNode(ReadToken((_, _) => true, stopAtExpansion: true, Escapes.Dollar)!));
            }
            return nodes;
        }

        private bool AtExpansionStart() =>
            _pos + 1 < text.Length && text[_pos] == '$' && text[_pos + 1] == '{';

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private char PeekSecond() => _pos + 1 < text.Length ? text[_pos + 1] : '\0';

        /// <summary>
        /// Reads characters accepted by <paramref name="accept"/> (given the character and its 1-based index in the
        /// token). An escape pair (<c>$$</c>, and with backslashes <c>\/</c>, <c>\\</c>) contributes its second character
        /// unchecked. Returns null when the first character is not accepted (nothing read).
        /// </summary>
        private string? ReadToken(Func<char, int, bool> accept, bool stopAtExpansion, Escapes escapes)
        {
            var token = new StringBuilder();
            var index = 0;
            while (_pos < text.Length)
            {
                if (stopAtExpansion && AtExpansionStart())
                    break;
                var c = text[_pos];
                var next = PeekSecond();
                var escaped = escapes != Escapes.None && c == '$' && next == '$'
                    || escapes == Escapes.DollarAndBackslash && c == '\\' && next is '/' or '\\';
                if (escaped)
                {
                    token.Append(next);
                    _pos += 2;
                    index += 2;
                    continue;
                }
                if (!accept(c, index + 1))
                    break;
                token.Append(c);
                _pos++;
                index++;
            }
            return index == 0 ? null : token.ToString();
        }

        private static bool IsIdentifier(char c, int _) => char.IsLetterOrDigit(c) || c == '_';

        private static EnvSubstException Bad(string reason) => new(reason, variable: null);

        /// <summary>Parses what follows <c>${</c> up to and including the closing brace.</summary>
        private Node ParseExpansion()
        {
            if (Peek() == '#')
                return ParseLength();
            var name = ReadToken(IsIdentifier, stopAtExpansion: false, Escapes.None)
                ?? throw Bad("unable to parse variable name");
            switch (Peek())
            {
                case ':':
                    return PeekSecond() is '=' or '-' or '?' or '+' ? ParseDefault(name) : ParseSubstring(name);
                case '=':
                    return ParseDefault(name);
                case ',' or '^':
                    return ParseCasing(name);
                case '/':
                    return ParseReplace(name);
                case '#':
                    return ParseRemove(name, '#');
                case '%':
                    return ParseRemove(name, '%');
            }
            if (Peek() != '}')
                throw Bad("missing closing brace");
            _pos++;
            return new ExpansionNode(name, "", []);
        }

        /// <summary>An argument: a nested expansion, or text accepted by <paramref name="accept"/>.</summary>
        private Node ParseArgument(Func<char, int, bool> accept, Escapes escapes)
        {
            if (AtExpansionStart())
            {
                _pos += 2;
                return ParseExpansion();
            }
            var value = ReadToken(accept, stopAtExpansion: true, escapes)
                ?? throw Bad("unable to parse substitution within function");
            return new TextNode(value);
        }

        private string ReadOperator(Func<char, int, bool> accept) =>
            ReadToken(accept, stopAtExpansion: false, Escapes.None) ?? throw Bad("bad substitution");

        private void ExpectClosingBrace()
        {
            if (Peek() != '}')
                throw Bad("bad substitution");
            _pos++;
        }

        private Node ParseLength()
        {
            _pos++; // '#'
            var name = ReadToken(IsIdentifier, stopAtExpansion: false, Escapes.None) ?? throw Bad("bad substitution");
            ExpectClosingBrace();
            return new ExpansionNode(name, "#", []);
        }

        private Node ParseDefault(string name)
        {
            var op = Peek() == '='
                ? ReadOperator((c, i) => i == 1 && c == '=')
                : ReadOperator((c, i) => i == 1 && c == ':' || i == 2 && c is '=' or '-' or '?' or '+');
            var args = new List<Node>();
            while (Peek() != '}')
            {
                if (_pos >= text.Length)
                    throw Bad("unable to parse substitution within function");
                args.Add(ParseArgument((c, _) => c != '}', Escapes.None));
            }
            _pos++;
            return new ExpansionNode(name, op, args);
        }

        private Node ParseSubstring(string name)
        {
            var op = ReadOperator((c, i) => i == 1 && c == ':');
            var args = new List<Node> { ParseArgument((c, _) => c is not ':' and not '}', Escapes.None) };
            if (Peek() == '}')
            {
                _pos++;
                return new ExpansionNode(name, op, args);
            }
            ReadOperator((c, _) => c == ':');
            args.Add(ParseArgument((c, _) => c != '}', Escapes.None));
            ExpectClosingBrace();
            return new ExpansionNode(name, op, args);
        }

        private Node ParseRemove(string name, char symbol)
        {
            var op = ReadOperator((c, i) => c == symbol && i < 3);
            var args = new List<Node> { ParseArgument((c, _) => c != '}', Escapes.None) };
            ExpectClosingBrace();
            return new ExpansionNode(name, op, args);
        }

        private Node ParseReplace(string name)
        {
            var op = ReadOperator((c, i) => i == 1 && c == '/' || i == 2 && c is '/' or '#' or '%');
            var args = new List<Node> { ParseArgument((c, _) => c != '/', Escapes.DollarAndBackslash) };
            ReadOperator((c, _) => c == '/');
            if (Peek() != '}')
                args.Add(ParseArgument((c, _) => c != '}', Escapes.DollarAndBackslash));
            ExpectClosingBrace();
            return new ExpansionNode(name, op, args);
        }

        private Node ParseCasing(string name)
        {
            var op = ReadOperator((c, i) => c is ',' or '^' && i < 3);
            ExpectClosingBrace();
            return new ExpansionNode(name, op, []);
        }
    }
}
