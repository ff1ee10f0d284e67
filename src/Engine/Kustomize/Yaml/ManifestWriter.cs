using System.Text;
using Tide.Engine.GoCompat;

namespace Tide.Engine.Kustomize.Yaml;

/// <summary>
/// Writes a manifest exactly as `kubectl kustomize` prints it. kustomize turns each resource into JSON and back
/// into YAML with go-yaml v2, so: keys sorted (v2's natural order), styles recomputed, strings quoted only where
/// v2 would misread them, long plain strings folded past column 80, multi-line strings as literal blocks.
/// This class follows the v2 emitter's layout rules (indentless sequences in mappings, 2-space indent).
/// </summary>
public sealed class ManifestWriter
{
    private const int BestIndent = 2;
    private const int BestWidth = 80;

    private readonly StringBuilder _out;
    private readonly Stack<int> _indents = new();
    private int _indent = -1;
    private int _column;
    private bool _whitespace = true;
    private bool _indention = true;
    private bool _openEnded;
    private int _flowLevel;

    private ManifestWriter(StringBuilder output) => _out = output;

    /// <summary>Appends one document (without a "---" separator) to the builder.</summary>
    public static void WriteDocument(YNode root, StringBuilder output)
    {
        var writer = new ManifestWriter(output);
        writer.EmitNode(root, root: true, mappingContext: false, simpleKey: false);
        writer.WriteIndent();
        if (writer._openEnded)
        {
            writer.WriteIndicator("...", true, false, false);
            writer.WriteIndent();
        }
    }

    public static string Write(YNode root)
    {
        var sb = new StringBuilder();
        WriteDocument(root, sb);
        return sb.ToString();
    }

    private void EmitNode(YNode node, bool root, bool mappingContext, bool simpleKey)
    {
        switch (node)
        {
            case YMapping map when map.Count == 0 || _flowLevel > 0:
                EmitFlowMapping(map);
                break;
            case YMapping map:
                IncreaseIndent(false, false);
                foreach (var entry in map.Entries.OrderBy(e => e.Key, V2KeyComparer.Instance))
                {
                    WriteIndent();
                    EmitString(entry.Key, root: false, simpleKey: true);
                    WriteIndicator(":", false, false, false);
                    EmitNode(entry.Value, root: false, mappingContext: true, simpleKey: false);
                }
                PopIndent();
                break;
            case YSequence seq when seq.Items.Count == 0 || _flowLevel > 0:
                EmitFlowSequence(seq);
                break;
            case YSequence seq:
                IncreaseIndent(false, mappingContext && !_indention);
                foreach (var item in seq.Items)
                {
                    WriteIndent();
                    WriteIndicator("-", true, false, true);
                    EmitNode(item, root: false, mappingContext: false, simpleKey: false);
                }
                PopIndent();
                break;
            case YScalar scalar:
                var resolved = ScalarResolver.Resolve(scalar);
                if (resolved.Kind == ScalarKind.String)
                    EmitString(resolved.Text, root, simpleKey);
                else
                    EmitScalar(resolved.Text, ScalarStyle.Plain, root, simpleKey);
                break;
        }
    }

    private void EmitFlowMapping(YMapping map)
    {
        WriteIndicator("{", true, true, false);
        IncreaseIndent(true, false);
        _flowLevel++;
        var first = true;
        foreach (var entry in map.Entries.OrderBy(e => e.Key, V2KeyComparer.Instance))
        {
            if (!first)
                WriteIndicator(",", false, false, false);
            first = false;
            EmitString(entry.Key, root: false, simpleKey: true);
            WriteIndicator(":", false, false, false);
            EmitNode(entry.Value, root: false, mappingContext: true, simpleKey: false);
        }
        _flowLevel--;
        PopIndent();
        WriteIndicator("}", false, false, false);
    }

    private void EmitFlowSequence(YSequence seq)
    {
        WriteIndicator("[", true, true, false);
        IncreaseIndent(true, false);
        _flowLevel++;
        var first = true;
        foreach (var item in seq.Items)
        {
            if (!first)
                WriteIndicator(",", false, false, false);
            first = false;
            EmitNode(item, root: false, mappingContext: false, simpleKey: false);
        }
        _flowLevel--;
        PopIndent();
        WriteIndicator("]", false, false, false);
    }

    /// <summary>go-yaml v2's encoder choice for a Go string, then the emitter's own corrections.</summary>
    private void EmitString(string s, bool root, bool simpleKey)
    {
        var style = s.Contains('\n') ? ScalarStyle.Literal
            : ScalarResolver.NeedsQuotesForV2(s) ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Plain;
        EmitScalar(s, style, root, simpleKey);
    }

    private void EmitScalar(string value, ScalarStyle style, bool root, bool simpleKey)
    {
        var runes = value.EnumerateRunes().Select(r => r.Value).ToArray();
        var a = ScalarAnalysis.Of(runes);
        if (simpleKey && a.Multiline)
            style = ScalarStyle.DoubleQuoted;
        if (style == ScalarStyle.Plain)
        {
            if ((_flowLevel > 0 && !a.FlowPlainAllowed) || (_flowLevel == 0 && !a.BlockPlainAllowed))
                style = ScalarStyle.SingleQuoted;
            if (runes.Length == 0 && (_flowLevel > 0 || simpleKey))
                style = ScalarStyle.SingleQuoted;
        }
        if (style == ScalarStyle.SingleQuoted && !a.SingleQuotedAllowed)
            style = ScalarStyle.DoubleQuoted;
        if (style is ScalarStyle.Literal or ScalarStyle.Folded && (!a.BlockAllowed || _flowLevel > 0 || simpleKey))
            style = ScalarStyle.DoubleQuoted;

        IncreaseIndent(true, false);
        var allowBreaks = !simpleKey;
        switch (style)
        {
            case ScalarStyle.Plain: WritePlain(runes, allowBreaks, root); break;
            case ScalarStyle.SingleQuoted: WriteSingleQuoted(runes, allowBreaks); break;
            case ScalarStyle.DoubleQuoted: WriteDoubleQuoted(runes, allowBreaks); break;
            default: WriteLiteral(runes); break;
        }
        PopIndent();
    }

    private void WritePlain(int[] v, bool allowBreaks, bool root)
    {
        if (!_whitespace)
            Put(' ');
        bool spaces = false, breaks = false;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (c == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && !(i + 1 < v.Length && v[i + 1] == ' '))
                    WriteIndent();
                else
                    Write(c);
                spaces = true;
            }
            else if (ScalarAnalysis.IsBreak(c))
            {
                if (!breaks && c == '\n')
                    PutBreak();
                WriteBreak(c);
                _indention = true;
                breaks = true;
            }
            else
            {
                if (breaks)
                    WriteIndent();
                Write(c);
                _indention = false;
                spaces = false;
                breaks = false;
            }
        }
        _whitespace = false;
        _indention = false;
        if (root)
            _openEnded = true;
    }

    private void WriteSingleQuoted(int[] v, bool allowBreaks)
    {
        WriteIndicator("'", true, false, false);
        bool spaces = false, breaks = false;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (c == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < v.Length - 1 && v[i + 1] != ' ')
                    WriteIndent();
                else
                    Write(c);
                spaces = true;
            }
            else if (ScalarAnalysis.IsBreak(c))
            {
                if (!breaks && c == '\n')
                    PutBreak();
                WriteBreak(c);
                _indention = true;
                breaks = true;
            }
            else
            {
                if (breaks)
                    WriteIndent();
                if (c == '\'')
                    Put('\'');
                Write(c);
                _indention = false;
                spaces = false;
                breaks = false;
            }
        }
        WriteIndicator("'", false, false, false);
        _whitespace = false;
        _indention = false;
    }

    private void WriteDoubleQuoted(int[] v, bool allowBreaks)
    {
        var spaces = false;
        WriteIndicator("\"", true, false, false);
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (!ScalarAnalysis.IsPrintable(c) || c == 0xFEFF || ScalarAnalysis.IsBreak(c) || c == '"' || c == '\\')
            {
                Put('\\');
                var escape = c switch
                {
                    0x00 => "0", 0x07 => "a", 0x08 => "b", 0x09 => "t", 0x0A => "n", 0x0B => "v", 0x0C => "f",
                    0x0D => "r", 0x1B => "e", 0x22 => "\"", 0x5C => "\\", 0x85 => "N", 0xA0 => "_",
                    0x2028 => "L", 0x2029 => "P",
                    <= 0xFF => "x" + c.ToString("X2"),
                    <= 0xFFFF => "u" + c.ToString("X4"),
                    _ => "U" + c.ToString("X8"),
                };
                foreach (var ch in escape)
                    Put(ch);
                spaces = false;
            }
            else if (c == ' ')
            {
                if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < v.Length - 1)
                {
                    WriteIndent();
                    if (v[i + 1] == ' ')
                        Put('\\');
                }
                else
                {
                    Write(c);
                }
                spaces = true;
            }
            else
            {
                Write(c);
                spaces = false;
            }
        }
        WriteIndicator("\"", false, false, false);
        _whitespace = false;
        _indention = false;
    }

    private void WriteLiteral(int[] v)
    {
        WriteIndicator("|", true, false, false);
        if (v.Length > 0 && (v[0] == ' ' || ScalarAnalysis.IsBreak(v[0])))
            WriteIndicator(((char)('0' + BestIndent)).ToString(), false, false, false);
        _openEnded = false;
        string? chomp = null;
        if (v.Length == 0 || !ScalarAnalysis.IsBreak(v[^1]))
            chomp = "-";
        else if (v.Length == 1 || ScalarAnalysis.IsBreak(v[^2]))
            chomp = "+";
        if (chomp is not null)
        {
            WriteIndicator(chomp, false, false, false);
            _openEnded = chomp == "+";
        }
        PutBreak();
        _indention = true;
        _whitespace = true;
        var breaks = true;
        foreach (var c in v)
        {
            if (ScalarAnalysis.IsBreak(c))
            {
                WriteBreak(c);
                _indention = true;
                breaks = true;
            }
            else
            {
                if (breaks)
                    WriteIndent();
                Write(c);
                _indention = false;
                breaks = false;
            }
        }
    }

    private void IncreaseIndent(bool flow, bool indentless)
    {
        _indents.Push(_indent);
        if (_indent < 0)
            _indent = flow ? BestIndent : 0;
        else if (!indentless)
            _indent += BestIndent;
    }

    private void PopIndent() => _indent = _indents.Pop();

    private void WriteIndent()
    {
        var indent = Math.Max(_indent, 0);
        if (!_indention || _column > indent || (_column == indent && !_whitespace))
            PutBreak();
        while (_column < indent)
            Put(' ');
        _whitespace = true;
        _indention = true;
    }

    private void WriteIndicator(string indicator, bool needWhitespace, bool isWhitespace, bool isIndention)
    {
        if (needWhitespace && !_whitespace)
            Put(' ');
        foreach (var c in indicator)
            Put(c);
        _whitespace = isWhitespace;
        _indention = _indention && isIndention;
        _openEnded = false;
    }

    private void Put(char c)
    {
        _out.Append(c);
        _column++;
    }

    private void Write(int rune)
    {
        _out.Append(char.ConvertFromUtf32(rune));
        _column++;
    }

    private void PutBreak()
    {
        _out.Append('\n');
        _column = 0;
    }

    private void WriteBreak(int c)
    {
        if (c == '\n')
        {
            PutBreak();
            return;
        }
        Write(c);
        _column = 0;
    }
}
