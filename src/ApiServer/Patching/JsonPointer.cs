namespace Tide.ApiServer.Patching;

/// <summary>An RFC 6901 JSON pointer split into its unescaped reference tokens.</summary>
internal sealed record JsonPointer(string Text, IReadOnlyList<string> Tokens)
{
    public bool IsRoot => Tokens.Count == 0;

    public string Last => Tokens[^1];

    public IEnumerable<string> Parent => Tokens.Take(Tokens.Count - 1);

    public static JsonPointer Parse(string text)
    {
        if (text.Length == 0)
            return new JsonPointer(text, []);
        if (text[0] != '/')
            throw new PatchException($"invalid JSON pointer \"{text}\": it must be empty or start with '/'");
        var tokens = text[1..].Split('/').Select(token => Unescape(token, text)).ToArray();
        return new JsonPointer(text, tokens);
    }

    private static string Unescape(string token, string text)
    {
        for (var i = 0; i < token.Length; i++)
            if (token[i] == '~' && (i + 1 == token.Length || (token[i + 1] != '0' && token[i + 1] != '1')))
                throw new PatchException($"invalid JSON pointer \"{text}\": '~' must be followed by '0' or '1'");
        // ~1 first, then ~0, so that "~01" becomes "~1" and not "/" (RFC 6901 §4).
        return token.Replace("~1", "/").Replace("~0", "~");
    }
}
