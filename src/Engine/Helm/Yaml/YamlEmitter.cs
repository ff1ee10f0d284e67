using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tide.Engine.Helm.Template;
using Tide.Engine.GoCompat;

namespace Tide.Engine.Helm.Yaml;

/// <summary>
/// Block YAML as go-yaml v2 writes it: keys in v2's natural order, sequences not indented inside mappings, scalars
/// plain when they would read back as the same string, else single/double quoted or literal, and long scalars folded
/// past column 80.
/// </summary>
internal sealed partial class YamlEmitter
{
    private const int BestWidth = 80;

    private readonly StringBuilder _sb = new();
    private readonly bool _indentSequences;
    private int _column;

    private YamlEmitter(bool indentSequences)
    {
        _indentSequences = indentSequences;
    }

    /// <summary>Emits a JSON-normalised value (null, bool, long, ulong, double, string, List, Dictionary).</summary>
    public static string Emit(object? value, bool indentSequences)
    {
        var e = new YamlEmitter(indentSequences);
        switch (value)
        {
            case Dictionary<string, object?> { Count: > 0 } map:
                e.EmitMap(map, 0);
                break;
            case List<object?> { Count: > 0 } list:
                e.EmitList(list, 0);
                break;
            default:
                e.EmitScalar(value, 2, simpleKey: false);
                break;
        }
        if (e._column != 0)
            e.Put('\n');
        return e._sb.ToString();
    }

    private void Put(char c)
    {
        _sb.Append(c);
        _column = c == '\n' ? 0 : _column + 1;
    }

    private void Put(string s)
    {
        foreach (var c in s)
            Put(c);
    }

    /// <summary>Moves to a fresh line at <paramref name="indent"/> unless already there.</summary>
    private void WriteIndent(int indent)
    {
        if (_column > indent || (_column > 0 && _column == indent && _sb[^1] != ' '))
            Put('\n');
        while (_column < indent)
            Put(' ');
    }

    private void EmitMap(Dictionary<string, object?> map, int indent)
    {
        var keys = map.Keys.ToList();
        keys.Sort(V2KeyComparer.Instance);
        foreach (var key in keys)
        {
            WriteIndent(indent);
            EmitScalar(key, indent + 2, simpleKey: true);
            Put(':');
            EmitValue(map[key], indent);
        }
    }

    private void EmitList(List<object?> list, int indent)
    {
        foreach (var item in list)
        {
            WriteIndent(indent);
            Put("- ");
            switch (item)
            {
                case Dictionary<string, object?> { Count: > 0 } m:
                    EmitMap(m, indent + 2);
                    break;
                case List<object?> { Count: > 0 } l:
                    EmitList(l, indent + 2);
                    break;
                default:
                    EmitScalar(item, indent + 2, simpleKey: false, afterSpace: true);
                    break;
            }
        }
    }

    /// <summary>The value after "key:".</summary>
    private void EmitValue(object? value, int indent)
    {
        switch (value)
        {
            case Dictionary<string, object?> { Count: > 0 } m:
                EmitMap(m, indent + 2);
                break;
            case List<object?> { Count: > 0 } l:
                EmitList(l, _indentSequences ? indent + 2 : indent);
                break;
            default:
                EmitScalar(value, indent + 2, simpleKey: false);
                break;
        }
    }

    private void EmitScalar(object? value, int indent, bool simpleKey, bool afterSpace = false)
    {
        var needSpace = _column > 0 && !afterSpace && _sb[^1] != ' ';
        switch (value)
        {
            case null: WritePlainToken("null", needSpace); return;
            case bool b: WritePlainToken(b ? "true" : "false", needSpace); return;
            case long or ulong or int: WritePlainToken(GoValue.Format(value), needSpace); return;
            case double d: WritePlainToken(FormatFloat(d), needSpace); return;
            case Dictionary<string, object?>: WritePlainToken("{}", needSpace); return;
            case List<object?>: WritePlainToken("[]", needSpace); return;
        }
        var s = (string)value;
        var style = ChooseStyle(s, simpleKey);
        if (needSpace)
            Put(' ');
        switch (style)
        {
            case Style.Plain: WritePlain(s, indent, !simpleKey); break;
            case Style.Single: WriteSingle(s, indent, !simpleKey); break;
            case Style.Double: WriteDouble(s, indent, !simpleKey); break;
            default: WriteLiteral(s, indent); break;
        }
    }

    private void WritePlainToken(string token, bool needSpace)
    {
        if (needSpace)
            Put(' ');
        Put(token);
    }

    private static string FormatFloat(double d) => d switch
    {
        double.PositiveInfinity => ".inf",
        double.NegativeInfinity => "-.inf",
        _ when double.IsNaN(d) => ".nan",
        _ => GoValue.FormatFloat(d, 'g', -1),
    };

    private enum Style { Plain, Single, Double, Literal }

    private static Style ChooseStyle(string s, bool simpleKey)
    {
        // go-yaml v2 encoder: multi-line strings ask for literal style; strings that would resolve to another type
        // (or look like base-60 floats) ask for double quotes; the rest ask for plain. The emitter then downgrades.
        Style requested;
        if (s.Contains('\n'))
            requested = Style.Literal;
        else if (GoYaml.Resolve(s) is not string || Base60Float().IsMatch(s) || IsTimestamp(s))
            requested = Style.Double;
        else
            requested = Style.Plain;
        var a = Analyze(s);
        if (requested == Style.Plain)
        {
            if (!a.BlockPlainAllowed || (s.Length == 0 && simpleKey))
                requested = Style.Single;
        }
        if (requested == Style.Literal && (!a.BlockAllowed || simpleKey))
            requested = Style.Double;
        if (requested == Style.Single && !a.SingleQuotedAllowed)
            requested = Style.Double;
        return requested;
    }

    private static bool IsTimestamp(string s) => TimestampPattern().IsMatch(s);

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")]
    private static partial Regex Base60Float();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$")]
    private static partial Regex TimestampPattern();

    private readonly record struct Analysis(bool BlockPlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed);

    /// <summary>libyaml's yaml_emitter_analyze_scalar, block context.</summary>
    private static Analysis Analyze(string value)
    {
        if (value.Length == 0)
            return new Analysis(BlockPlainAllowed: true, SingleQuotedAllowed: true, BlockAllowed: false);
        bool blockIndicators = false, specialCharacters = false, lineBreaks = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
        bool breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
        if (value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal))
            blockIndicators = true;
        var precededByWhitespace = true;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var followedByWhitespace = i + 1 >= value.Length || value[i + 1] is ' ' or '\t' or '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';
            if (i == 0)
            {
                switch (c)
                {
                    case '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`':
                        blockIndicators = true;
                        break;
                    case '?' or ':':
                        if (followedByWhitespace) blockIndicators = true;
                        break;
                    case '-':
                        if (followedByWhitespace) blockIndicators = true;
                        break;
                }
            }
            else
            {
                switch (c)
                {
                    case ':':
                        if (followedByWhitespace) blockIndicators = true;
                        break;
                    case '#':
                        if (precededByWhitespace) blockIndicators = true;
                        break;
                }
            }
            if (!IsPrintable(value, i))
                specialCharacters = true;
            if (c == ' ')
            {
                if (i == 0) leadingSpace = true;
                if (i == value.Length - 1) trailingSpace = true;
                if (previousBreak) breakSpace = true;
                previousSpace = true;
                previousBreak = false;
            }
            else if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                lineBreaks = true;
                if (i == 0) leadingBreak = true;
                if (i == value.Length - 1) trailingBreak = true;
                if (previousSpace) spaceBreak = true;
                previousSpace = false;
                previousBreak = true;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }
            precededByWhitespace = c is ' ' or '\t' or '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';
        }
        bool blockPlain = true, single = true, block = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
            blockPlain = false;
        if (trailingSpace)
            block = false;
        if (breakSpace)
        {
            blockPlain = false;
            single = false;
        }
        if (spaceBreak || specialCharacters)
        {
            blockPlain = false;
            single = false;
            block = false;
        }
        if (lineBreaks)
            blockPlain = false;
        if (blockIndicators)
            blockPlain = false;
        return new Analysis(blockPlain, single, block);
    }

    private static bool IsPrintable(string s, int i)
    {
        var c = s[i];
        // go-yaml v2 treats characters beyond the Basic Multilingual Plane as non-printable (escaped as \U...).
        if (char.IsHighSurrogate(c) || char.IsLowSurrogate(c))
            return false;
        return c == '\n' || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
               (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
    }

    private void WritePlain(string s, int indent, bool allowBreaks)
    {
        var spaces = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && !(i + 1 < s.Length && s[i + 1] == ' '))
                    WriteIndent(indent);
                else
                    Put(c);
                spaces = true;
            }
            else
            {
                Put(c);
                spaces = false;
            }
        }
    }

    private void WriteSingle(string s, int indent, bool allowBreaks)
    {
        Put('\'');
        var spaces = false;
        var breaks = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < s.Length - 1 && s[i + 1] != ' ')
                    WriteIndent(indent);
                else
                    Put(c);
                spaces = true;
            }
            else if (c == '\n')
            {
                if (!breaks)
                    Put('\n');
                Put('\n');
                breaks = true;
            }
            else
            {
                if (breaks)
                    WriteIndent(indent);
                if (c == '\'')
                    Put('\'');
                Put(c);
                spaces = false;
                breaks = false;
            }
        }
        Put('\'');
    }

    private void WriteDouble(string s, int indent, bool allowBreaks)
    {
        Put('"');
        var spaces = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!IsPrintable(s, i) || c == '\uFEFF' || c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029' || c == '"' || c == '\\')
            {
                Put('\\');
                switch (c)
                {
                    case '\0': Put('0'); break;
                    case '\a': Put('a'); break;
                    case '\b': Put('b'); break;
                    case '\t': Put('t'); break;
                    case '\n': Put('n'); break;
                    case '\v': Put('v'); break;
                    case '\f': Put('f'); break;
                    case '\r': Put('r'); break;
                    case '\u001b': Put('e'); break;
                    case '"': Put('"'); break;
                    case '\\': Put('\\'); break;
                    case '\u0085': Put('N'); break;
                    case '\u00A0': Put('_'); break;
                    case '\u2028': Put('L'); break;
                    case '\u2029': Put('P'); break;
                    default:
                        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                            Put("U" + char.ConvertToUtf32(c, s[++i]).ToString("X8", CultureInfo.InvariantCulture));
                        else if (c <= 0xFF)
                            Put("x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture));
                        else
                            Put("u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture));
                        break;
                }
                spaces = false;
            }
            else if (c == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < s.Length - 1)
                {
                    WriteIndent(indent);
                    if (s[i + 1] == ' ')
                        Put('\\');
                }
                else
                {
                    Put(c);
                }
                spaces = true;
            }
            else
            {
                Put(c);
                spaces = false;
            }
        }
        Put('"');
    }

    private void WriteLiteral(string s, int indent)
    {
        Put('|');
        if (s[0] is ' ' or '\n')
            Put('2');
        var chomp = "";
        if (!s.EndsWith('\n'))
            chomp = "-";
        else if (s.Length == 1 || s[^2] == '\n')
            chomp = "+";
        Put(chomp);
        Put('\n');
        var breaks = true;
        foreach (var c in s)
        {
            if (c == '\n')
            {
                Put('\n');
                breaks = true;
            }
            else
            {
                if (breaks)
                    while (_column < indent)
                        Put(' ');
                Put(c);
                breaks = false;
            }
        }
    }
}
