using System.Text;

namespace Tide.Engine.GoCompat;

/// <summary>go-yaml v2's map key order (keyList.Less): letters before other characters, digit runs compared as
/// numbers. kustomize's and Helm's output both sort mapping keys this way.</summary>
internal sealed class V2KeyComparer : IComparer<string>
{
    public static V2KeyComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y) || x == y)
            return 0;
        return Less(x!, y!) ? -1 : Less(y!, x!) ? 1 : 0;
    }

    private static bool Less(string a, string b)
    {
        // Most keys are ASCII letters and punctuation: compare directly until a digit or non-ASCII char matters.
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var (ca, cb) = (a[i], b[i]);
            if (ca == cb)
                continue;
            if (ca < 128 && cb < 128 && !char.IsAsciiDigit(ca) && !char.IsAsciiDigit(cb))
            {
                var al = char.IsAsciiLetter(ca);
                var bl = char.IsAsciiLetter(cb);
                if (al && bl)
                    return ca < cb;
                if (al || bl)
                    return bl;
                return ca < cb;
            }
            return LessRunes(a, b);
        }
        return a.Length < b.Length;
    }

    private static bool LessRunes(string a, string b)
    {
        var ar = a.EnumerateRunes().ToArray();
        var br = b.EnumerateRunes().ToArray();
        for (var i = 0; i < ar.Length && i < br.Length; i++)
        {
            if (ar[i] == br[i])
                continue;
            var al = Rune.IsLetter(ar[i]);
            var bl = Rune.IsLetter(br[i]);
            if (al && bl)
                return ar[i].Value < br[i].Value;
            if (al || bl)
                return bl;
            long an = 0, bn = 0;
            if (ar[i].Value == '0' || br[i].Value == '0')
            {
                for (var j = i - 1; j >= 0 && Rune.IsDigit(ar[j]); j--)
                    if (ar[j].Value != '0')
                    {
                        an = 1;
                        bn = 1;
                        break;
                    }
            }
            int ai, bi;
            for (ai = i; ai < ar.Length && Rune.IsDigit(ar[ai]); ai++)
                an = an * 10 + (ar[ai].Value - '0');
            for (bi = i; bi < br.Length && Rune.IsDigit(br[bi]); bi++)
                bn = bn * 10 + (br[bi].Value - '0');
            if (an != bn)
                return an < bn;
            if (ai != bi)
                return ai < bi;
            return ar[i].Value < br[i].Value;
        }
        return ar.Length < br.Length;
    }
}
