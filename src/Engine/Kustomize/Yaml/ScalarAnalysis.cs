namespace Tide.Engine.Kustomize.Yaml;

/// <summary>What the YAML emitter may do with a scalar's text (go-yaml's yaml_emitter_analyze_scalar).</summary>
internal readonly record struct ScalarAnalysis(
    bool Multiline, bool FlowPlainAllowed, bool BlockPlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed)
{
    public static ScalarAnalysis Of(int[] v)
    {
        if (v.Length == 0)
            return new(false, false, true, true, false);
        bool blockIndicators = false, flowIndicators = false, lineBreaks = false, special = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
        bool breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
        if (v.Length >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') || (v[0] == '.' && v[1] == '.' && v[2] == '.')))
        {
            blockIndicators = true;
            flowIndicators = true;
        }
        var precededByWhitespace = true;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            var followedByWhitespace = i + 1 >= v.Length || v[i + 1] is ' ' or '\t';
            if (i == 0)
            {
                switch (c)
                {
                    case '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"'
                        or '%' or '@' or '`':
                        flowIndicators = true;
                        blockIndicators = true;
                        break;
                    case '?' or ':':
                        flowIndicators = true;
                        if (followedByWhitespace)
                            blockIndicators = true;
                        break;
                    case '-':
                        if (followedByWhitespace)
                        {
                            flowIndicators = true;
                            blockIndicators = true;
                        }
                        break;
                }
            }
            else
            {
                switch (c)
                {
                    case ',' or '?' or '[' or ']' or '{' or '}':
                        flowIndicators = true;
                        break;
                    case ':':
                        flowIndicators = true;
                        if (followedByWhitespace)
                            blockIndicators = true;
                        break;
                    case '#':
                        if (precededByWhitespace)
                        {
                            flowIndicators = true;
                            blockIndicators = true;
                        }
                        break;
                }
            }
            if (!IsPrintable(c))
                special = true;
            if (c == ' ')
            {
                if (i == 0)
                    leadingSpace = true;
                if (i == v.Length - 1)
                    trailingSpace = true;
                if (previousBreak)
                    breakSpace = true;
                previousSpace = true;
                previousBreak = false;
            }
            else if (IsBreak(c))
            {
                lineBreaks = true;
                if (i == 0)
                    leadingBreak = true;
                if (i == v.Length - 1)
                    trailingBreak = true;
                if (previousSpace)
                    spaceBreak = true;
                previousSpace = false;
                previousBreak = true;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }
            precededByWhitespace = c is ' ' or '\t' or 0 || IsBreak(c);
        }
        bool flowPlain = true, blockPlain = true, single = true, block = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
            flowPlain = blockPlain = false;
        if (trailingSpace)
            block = false;
        if (breakSpace)
            flowPlain = blockPlain = single = false;
        if (spaceBreak || special)
            flowPlain = blockPlain = single = block = false;
        if (lineBreaks)
            flowPlain = blockPlain = false;
        if (flowIndicators)
            flowPlain = false;
        if (blockIndicators)
            blockPlain = false;
        return new(lineBreaks, flowPlain, blockPlain, single, block);
    }

    public static bool IsBreak(int c) => c is '\r' or '\n' or 0x85 or 0x2028 or 0x2029;

    public static bool IsPrintable(int c) =>
        c == 0x0A || c is >= 0x20 and <= 0x7E || c is >= 0xA0 and <= 0xD7FF || (c is >= 0xE000 and <= 0xFFFD && c != 0xFEFF);
}
