using System.Runtime.CompilerServices;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Tide.Engine.Kustomize.Yaml;

/// <summary>
/// The YAML parser for every input a user controls (manifests, kustomization files, patches, SOPS files, postBuild
/// output), bounded as go-yaml v3 bounds it, so that a hostile document fails fast with a message instead of
/// exhausting memory, time or the stack: at most <see cref="MaxDepth"/> nested collections ("exceeded max depth of
/// 10000"), and aliases may expand to no more than go-yaml's share of the document ("document contains excessive
/// aliasing"; an alias counts as many nodes as its anchor expands to, so a "billion laughs" document fails after a
/// few hundred thousand nodes). Errors are <see cref="YamlException"/>s, as the parser's own.
/// </summary>
public sealed class BoundedParser : IParser
{
    public const int MaxDepth = 10000;

    private readonly IParser _inner;
    private readonly Dictionary<string, long> _anchorSizes = [];
    // Per open collection: the node count when it started and its anchor, to learn the size of anchored collections.
    private readonly Stack<(long Start, string? Anchor)> _open = new();
    private long _decodeCount;
    private long _aliasCount;

    public BoundedParser(string text) => _inner = new Parser(new Scanner(new StringReader(text), skipComments: true));

    public ParsingEvent? Current => _inner.Current;

    public bool MoveNext()
    {
        if (!_inner.MoveNext())
            return false;
        switch (_inner.Current)
        {
            case StreamStart or DocumentStart:
                _anchorSizes.Clear();
                _decodeCount = _aliasCount = 0;
                break;
            case AnchorAlias alias:
                Expand(alias);
                break;
            case Scalar scalar:
                _decodeCount++;
                Remember(scalar.Anchor, 1);
                break;
            case NodeEvent { } start and (MappingStart or SequenceStart):
                _decodeCount++;
                if (_open.Count >= MaxDepth)
                    throw new YamlException(start.Start, start.End, $"exceeded max depth of {MaxDepth}");
                // The consumers recurse once per level while they read: refuse before the stack runs out.
                if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
                    throw new YamlException(start.Start, start.End, $"nested too deeply ({_open.Count} levels) for the stack of this thread");
                _open.Push((_decodeCount - 1, start.Anchor.IsEmpty ? null : start.Anchor.Value));
                break;
            case MappingEnd or SequenceEnd:
                var (begin, anchor) = _open.Pop();
                if (anchor is not null)
                    _anchorSizes[anchor] = _decodeCount - begin;
                break;
        }
        return true;
    }

    private void Remember(AnchorName anchor, long size)
    {
        if (!anchor.IsEmpty)
            _anchorSizes[anchor.Value] = size;
    }

    /// <summary>go-yaml v3's decoder check, made as the alias is met with the size of what it expands to.</summary>
    private void Expand(AnchorAlias alias)
    {
        var size = _anchorSizes.GetValueOrDefault(alias.Value.Value, 1);
        _decodeCount += size;
        _aliasCount += size;
        if (_aliasCount > 100 && _decodeCount > 1000 && (double)_aliasCount / _decodeCount > AllowedAliasRatio(_decodeCount))
            throw new YamlException(alias.Start, alias.End, "document contains excessive aliasing");
    }

    private static double AllowedAliasRatio(long decodeCount)
    {
        const long low = 400_000, high = 4_000_000;
        if (decodeCount <= low)
            return 0.99;
        if (decodeCount >= high)
            return 0.10;
        return 0.99 - 0.89 * ((double)(decodeCount - low) / (high - low));
    }

    /// <summary>
    /// YAML text from bytes: UTF-8 (a byte order mark dropped), refused when not valid UTF-8 as go-yaml refuses it
    /// (no silent replacement characters in what gets applied).
    /// </summary>
    public static string DecodeUtf8(byte[] bytes)
    {
        try
        {
            var text = Strict.GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException e)
        {
            var position = new Mark(e.Index, 1 + bytes.AsSpan(0, Math.Max(0, e.Index)).Count((byte)'\n'), 1);
            var octet = e.BytesUnknown is [var first, ..] && (first & 0xC0) == 0x80 ? "trailing" : "leading";
            throw new YamlException(position, position, $"invalid {octet} UTF-8 octet");
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
