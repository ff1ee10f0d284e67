using System.Globalization;
using System.Text;
using System.Text.Json;
using Tide.Engine.Helm.Yaml;

namespace Tide.Engine.Helm.Charts;

/// <summary>
/// Helm's strvals, the parser behind --set, --set-string, --set-file, --set-json and --set-literal:
/// `a.b=c,list[0]=x,l={a,b}` into a values map. With --set, ints become int64, true/false bools, null nil and
/// everything else strings; --set-string keeps strings; --set-file reads the named file; --set-json decodes JSON;
/// --set-literal takes the rest of the argument as one string, commas and backslashes included.
/// </summary>
public sealed class StrVals
{
    private const int MaxIndex = 65536;
    private const int MaxNestedNameLevel = 30;

    public enum Mode
    {
        Typed,
        String,
        File,
        Json,
        Literal,
    }

    private readonly string _text;
    private readonly Mode _mode;
    private readonly Func<string, string>? _readFile;
    private int _pos;

    private StrVals(string text, Mode mode, Func<string, string>? readFile)
    {
        _text = text;
        _mode = mode;
        _readFile = readFile;
    }

    /// <summary>--set: typed values.</summary>
    public static void ParseInto(string set, Dictionary<string, object?> values) => ParseInto(set, values, Mode.Typed);

    /// <summary>Parses one flag value into <paramref name="values"/>; <paramref name="readFile"/> serves --set-file.
    /// Throws <see cref="ChartException"/> with strvals' message.</summary>
    public static void ParseInto(string set, Dictionary<string, object?> values, Mode mode, Func<string, string>? readFile = null)
    {
        var parser = new StrVals(set, mode, readFile);
        while (!parser.Key(values, 0))
        {
        }
    }

    /// <summary>Reads up to a stop character; returns the text (escapes resolved unless literal) and the stop
    /// character, or null at the end of the input.</summary>
    private (string Text, char? Last) RunesUntil(string stop)
    {
        var sb = new StringBuilder();
        while (_pos < _text.Length)
        {
            var c = _text[_pos++];
            if (stop.Contains(c, StringComparison.Ordinal))
                return (sb.ToString(), c);
            if (c == '\\' && _mode != Mode.Literal)
            {
                if (_pos >= _text.Length)
                    return (sb.ToString(), null);
                c = _text[_pos++];
            }
            sb.Append(c);
        }
        return (sb.ToString(), null);
    }

    /// <summary>One key path and its value; true at the end of the input.</summary>
    private bool Key(Dictionary<string, object?> data, int level)
    {
        var (k, last) = RunesUntil(_mode == Mode.Literal ? "=[." : "=[,.");
        switch (last)
        {
            case null:
                if (k.Length == 0)
                    return true;
                throw new ChartException($"key {GoQuote(k)} has no value");
            case '[':
                var i = KeyIndex();
                var list = data.TryGetValue(k, out var existing) ? existing as List<object?> ?? throw Panic(existing, "[]interface {}") : [];
                try
                {
                    list = ListItem(list, i, level);
                }
                catch (EndOfInputException)
                {
                    // An index with nothing after it ends the input quietly, as in strvals.
                    Set(data, k, list);
                    return true;
                }
                Set(data, k, list);
                return false;
            case '=':
                return Assign(v => Set(data, k, v));
            case ',':
                Set(data, k, "");
                throw new ChartException($"key {GoQuote(k)} has no value (cannot end with ,)");
            default:
                level++;
                if (level > MaxNestedNameLevel)
                    throw new ChartException($"value name nested level is greater than maximum supported nested level of {MaxNestedNameLevel}");
                var inner = data.TryGetValue(k, out var prev) ? prev as Dictionary<string, object?> ?? throw Panic(prev, "map[string]interface {}") : [];
                bool end;
                try
                {
                    end = Key(inner, level);
                }
                finally
                {
                    if (inner.Count != 0)
                        Set(data, k, inner);
                }
                if (!end && inner.Count == 0)
                    throw new ChartException($"key map {GoQuote(k)} has no value");
                return end;
        }
    }

    /// <summary>The value after '=': returns true at the end of the input.</summary>
    private bool Assign(Action<object?> set)
    {
        switch (_mode)
        {
            case Mode.Literal:
                set(_text[_pos..]);
                _pos = _text.Length;
                return true;
            case Mode.Json:
                if (EmptyVal())
                {
                    set(null);
                    return _pos >= _text.Length;
                }
                set(JsonValue());
                EmptyVal();
                return _pos >= _text.Length;
        }
        if (_pos >= _text.Length)
        {
            set("");
            return true;
        }
        if (_text[_pos] == '{')
        {
            _pos++;
            set(ValList());
            return false;
        }
        var (rs, last) = RunesUntil(",");
        set(Read(rs));
        return last is null;
    }

    private object? Read(string rs) => _mode switch
    {
        Mode.String => rs,
        Mode.File => _readFile!(rs),
        _ => Typed(rs),
    };

    private List<object?> ValList()
    {
        var list = new List<object?>();
        while (true)
        {
            var (rs, last) = RunesUntil(",}");
            switch (last)
            {
                case null:
                    throw new ChartException("list must terminate with '}'");
                case '}':
                    if (_pos < _text.Length && _text[_pos] == ',')
                        _pos++;
                    list.Add(Read(rs));
                    return list;
                default:
                    list.Add(Read(rs));
                    break;
            }
        }
    }

    /// <summary>Skips spaces; true when the value is empty (a comma or the end follows).</summary>
    private bool EmptyVal()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == ',')
            {
                _pos++;
                return true;
            }
            if (!char.IsWhiteSpace(c))
                return false;
            _pos++;
        }
        return true;
    }

    /// <summary>One JSON value from the current position, decoded as encoding/json does (numbers as float64).</summary>
    private object? JsonValue()
    {
        var rest = Encoding.UTF8.GetBytes(_text[_pos..]);
        var reader = new Utf8JsonReader(rest, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            reader.Read();
            reader.Skip();
        }
        catch (JsonException e)
        {
            throw new ChartException(e.Message);
        }
        var consumed = (int)reader.BytesConsumed;
        var json = Encoding.UTF8.GetString(rest, 0, consumed);
        _pos += json.Length;
        return GoJson.Parse(json);
    }

    private int KeyIndex()
    {
        var (v, last) = RunesUntil("]");
        if (last is null)
            throw new ChartException("error parsing index: EOF");
        if (!int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            throw new ChartException($"error parsing index: strconv.Atoi: parsing {GoQuote(v)}: invalid syntax");
        return i;
    }

    private List<object?> ListItem(List<object?> list, int i, int level)
    {
        if (i < 0)
            throw new ChartException($"negative {i} index not allowed");
        var (k, last) = RunesUntil("[.=");
        if (k.Length > 0)
            throw new ChartException($"unexpected data at end of array index: {GoQuote(k)}");
        switch (last)
        {
            case null:
                throw new EndOfInputException();
            case '=':
                object? value = null;
                Assign(v => value = v);
                return SetIndex(list, i, value);
            case '[':
                var next = KeyIndex();
                var current = list.Count > i && list[i] is not null ? list[i] as List<object?> ?? throw Panic(list[i], "[]interface {}") : [];
                return SetIndex(list, i, ListItem(current, next, level));
            default:
                var inner = list.Count > i && list[i] is Dictionary<string, object?> d ? d : [];
                Key(inner, level);
                return SetIndex(list, i, inner);
        }
    }

    private static List<object?> SetIndex(List<object?> list, int index, object? value)
    {
        if (index < 0)
            throw new ChartException($"negative {index} index not allowed");
        if (index > MaxIndex)
            throw new ChartException($"index of {index} is greater than maximum supported index of {MaxIndex}");
        while (list.Count <= index)
            list.Add(null);
        list[index] = value;
        return list;
    }

    private static void Set(Dictionary<string, object?> data, string key, object? value)
    {
        if (key.Length > 0)
            data[key] = value;
    }

    private static ChartException Panic(object? actual, string wanted) =>
        new($"unable to parse key: interface conversion: interface {{}} is {Template.GoValue.TypeName(actual)}, not {wanted}");

    private static object? Typed(string val)
    {
        if (val.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (val.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        if (val.Equals("null", StringComparison.OrdinalIgnoreCase)) return null;
        if (val == "0") return 0L;
        if (val.Length > 0 && val[0] != '0' &&
            long.TryParse(val, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return l;
        return val;
    }

    private static string GoQuote(string s) => Template.GoFormat.GoQuote(s);

    private sealed class EndOfInputException : Exception;
}
