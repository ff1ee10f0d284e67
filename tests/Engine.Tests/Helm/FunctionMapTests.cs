using System.Text;

namespace Tide.Engine.Tests.Helm;

/// <summary>
/// helm v4.1.4's function map (Sprig v3.3.0's genericMap less env/expandenv, plus Helm's own): every function is
/// defined, and each snippet below renders as helm renders it (run at test time on the same chart). Functions with
/// random or time-dependent results are checked by the shape of what both print.
/// </summary>
public sealed class FunctionMapTests
{
    private static readonly string[] HelmFunctions =
    [
        "abbrev", "abbrevboth", "add", "add1", "add1f", "addf", "adler32sum", "ago", "all", "any", "append", "atoi",
        "b32dec", "b32enc", "b64dec", "b64enc", "base", "bcrypt", "biggest", "buildCustomCert", "camelcase", "cat",
        "ceil", "chunk", "clean", "coalesce", "compact", "concat", "contains", "date", "dateInZone", "dateModify",
        "date_in_zone", "date_modify", "decryptAES", "deepCopy", "deepEqual", "default", "derivePassword", "dict",
        "dig", "dir", "div", "divf", "duration", "durationRound", "empty", "encryptAES", "ext", "fail", "first",
        "float64", "floor", "fromJson", "fromJsonArray", "fromToml", "fromYaml", "fromYamlArray", "genCA",
        "genCAWithKey", "genPrivateKey", "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert",
        "genSignedCertWithKey", "get", "getHostByName", "has", "hasKey", "hasPrefix", "hasSuffix", "hello", "htmlDate",
        "htmlDateInZone", "htpasswd", "include", "indent", "initial", "initials", "int", "int64", "isAbs", "join",
        "kebabcase", "keys", "kindIs", "kindOf", "last", "list", "lookup", "lower", "max", "maxf", "merge",
        "mergeOverwrite", "min", "minf", "mod", "mul", "mulf", "mustAppend", "mustChunk", "mustCompact",
        "mustDateModify", "mustDeepCopy", "mustFirst", "mustFromJson", "mustHas", "mustInitial", "mustLast",
        "mustMerge", "mustMergeOverwrite", "mustPrepend", "mustPush", "mustRegexFind", "mustRegexFindAll",
        "mustRegexMatch", "mustRegexReplaceAll", "mustRegexReplaceAllLiteral", "mustRegexSplit", "mustRest",
        "mustReverse", "mustSlice", "mustToDate", "mustToJson", "mustToPrettyJson", "mustToRawJson", "mustToYaml",
        "mustUniq", "mustWithout", "must_date_modify", "nindent", "nospace", "now", "omit", "osBase", "osClean",
        "osDir", "osExt", "osIsAbs", "pick", "pluck", "plural", "prepend", "push", "quote", "randAlpha",
        "randAlphaNum", "randAscii", "randBytes", "randInt", "randNumeric", "regexFind", "regexFindAll", "regexMatch",
        "regexQuoteMeta", "regexReplaceAll", "regexReplaceAllLiteral", "regexSplit", "repeat", "replace", "required",
        "rest", "reverse", "round", "semver", "semverCompare", "seq", "set", "sha1sum", "sha256sum", "sha512sum",
        "shuffle", "slice", "snakecase", "sortAlpha", "split", "splitList", "splitn", "squote", "sub", "subf",
        "substr", "swapcase", "ternary", "title", "toDate", "toDecimal", "toJson", "toPrettyJson", "toRawJson",
        "toString", "toStrings", "toToml", "toYaml", "toYamlPretty", "tpl", "trim", "trimAll", "trimPrefix",
        "trimSuffix", "trimall", "trunc", "tuple", "typeIs", "typeIsLike", "typeOf", "uniq", "unixEpoch", "unset",
        "until", "untilStep", "untitle", "upper", "urlJoin", "urlParse", "uuidv4", "values", "without", "wrap",
        "wrapWith",
    ];

    /// <summary>Deterministic snippets: the whole chart's output must equal helm's byte for byte.</summary>
    private static readonly string[] Deterministic =
    [
        """{{ abbrevboth 5 10 "1234 5678 9123" }}|{{ abbrev 5 "hello world" }}|{{ trimall "$" "$5.00$" }}|{{ b32dec "NBUQ====" }}|{{ hello }}|{{ getHostByName "localhost" }}""",
        """{{ base "/a/b.txt" }}|{{ dir "/a/b.txt" }}|{{ clean "a//b/../c/." }}|{{ ext "x/y.tar.gz" }}|{{ isAbs "/x" }}|{{ osBase "a/b/" }}|{{ osDir "x" }}|{{ osClean "" }}|{{ osExt "a.b/c" }}|{{ osIsAbs "x" }}""",
        """{{ biggest 1 7 3 }}|{{ max 2 9 }}|{{ mustFromJson "[1,\"a\"]" | toJson }}|{{ mustRegexFind "[0-9]+" "ab12c" }}|{{ mustRegexFindAll "a." "a1a2a3" -1 | toJson }}""",
        """{{ mustRegexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}|{{ mustRegexReplaceAllLiteral "a(x*)b" "-ab-axb-" "${1}" }}|{{ mustRegexSplit "," "a,b,c" -1 | toJson }}|{{ regexMatch "(" "x" }}""",
        """{{ derivePassword 1 "long" "password" "user" "example.com" }}|{{ derivePassword 2 "pin" "pw" "u" "s" }}|{{ derivePassword 1 "nope" "pw" "u" "s" }}""",
        """{{ decryptAES "secretkey" "4vHMgrmpgGy15frimbFxn82kco3aSXRjug1DNVImrqM=" }}|{{ encryptAES "k" "" }}|{{ decryptAES "k" "" }}""",
        """{{ toDate "2006-01-02" "2024-03-05" }}|{{ toDate "2006-01-02" "bad" }}|{{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-05T10:20:30+02:00" | date "Jan 2, 2006 3:04 PM -0700" }}""",
        """{{ dateInZone "2006-01-02 15:04 MST" (toDate "2006-01-02" "2024-07-01") "UTC" }}|{{ date "Mon Jan _2 15:04:05 2006" 1700000000 }}|{{ htmlDate 0 }}|{{ htmlDateInZone 86400 "UTC" }}|{{ date_in_zone "06/1/2" 1 "Nowhere/Zone" }}""",
        """{{ unixEpoch (toDate "2006-01-02" "2024-03-05") }}|{{ dateModify "-1.5h" (toDate "2006-01-02" "2024-03-05") }}|{{ date_modify "bad" (toDate "2006-01-02" "2024-03-05") }}|{{ mustDateModify "90m" (toDate "2006-01-02" "2024-03-05") | date "15:04" }}""",
        """{{ duration 95 }}|{{ duration "3600" }}|{{ duration 0 }}|{{ duration 1.5 }}|{{ durationRound "2h30m" }}|{{ durationRound "400h" }}|{{ durationRound "1m0s" }}|{{ durationRound (int64 3000000000) }}|{{ durationRound "9000h" }}""",
        """{{ range $i, $v := .Capabilities.APIVersions }}{{ if lt $i 2 }}{{ $v }},{{ end }}{{ end }}|{{ has "apps/v1" .Capabilities.APIVersions }}|{{ typeOf .Capabilities.APIVersions }}|{{ .Capabilities.APIVersions.Has "policy/v1" }}""",
        """{{ tpl "{{ . }}" "str" }}|{{ tpl "{{ .a }}" (dict "a" 1) }}|{{ tpl "{{ len . }}" (list 1 2) }}|{{ tpl "{{ . }}" nil }}""",
        """{{ camelcase "GOLANG_IS_GREAT" }}|{{ camelcase "HTTPServer" }}|{{ camelcase "FooBar" }}|{{ camelcase "_complex__case_" }}|{{ camelcase "foo bar  baz" }}|{{ camelcase "--" }}|{{ camelcase "aBC dEF" }}""",
        """{{ wrapWith 5 "\t" "abcdefghij" }}|{{ wrap 5 "abcdefghij kl" }}|{{ wrapWith 3 "" "ab cd efgh" }}""",
        """{{ seq 0 }}|{{ seq 5 }}|{{ seq -3 }}|{{ seq 2 -2 }}|{{ seq 1 2 10 }}|{{ seq 10 -3 1 }}|{{ seq 10 3 1 }}|{{ seq 1 0 3 }}""",
        """{{ slice (list 1 2 3) 1 | toJson }}|{{ slice list | toJson }}|{{ chunk -1 (list 1 2) | toJson }}|{{ chunk 3 (list 1 2 3 4 5 6 7) | toJson }}|{{ concat (list 1) (list 2 3) | toJson }}""",
        """{{ int .Values.big }}|{{ printf "%s|%d|%5s" .Values.l .Values.l (list "a" "bb") }}|{{ printf "%U" 65 }}|{{ round -2.5 0 }}|{{ round 2.5 0 }}|{{ typeOf .Files }}""",
        """{{ regexReplaceAll "(?P<x>a)" "aa" "${x}b" }}|{{ regexSplit "a*" "baaac" -1 | toJson }}|{{ regexFindAll "a*" "baaac" -1 | toJson }}|{{ regexReplaceAll "a|" "xay" "-" }}|{{ regexReplaceAll "x*" "abc" "-" }}""",
        """{{ replace "" "x" "ab" }}|{{ splitList "" "ab" | toJson }}|{{ split "" "ab" | toJson }}|{{ mergeOverwrite (dict "b" (list 1)) (dict "a" 1 "b" (list "x")) | toJson }}""",
        """{{ mustToDate "2006-01-02" "2024-02-29" | date "2006-01-02" }}|{{ toDate "02/01/06 15:04" "31/12/99 23:59" | date "2006-01-02T15:04" }}""",
    ];

    /// <summary>Snippets that fail in helm: Tide must fail with the same stderr.</summary>
    private static readonly string[] Failing =
    [
        """{{ mustRegexFind "(" "x" }}""",
        """{{ regexFind "a)" "x" }}""",
        """{{ mustRegexMatch "[a" "x" }}""",
        """{{ regexSplit "*" "x" -1 }}""",
        """{{ mustToDate "2006-01-02" "2024-13-01" }}""",
        """{{ mustDateModify "5x" now }}""",
        """{{ dateModify "1h" "2024" }}""",
        """{{ unixEpoch 5 }}""",
        """{{ genSelfSignedCert "x" (list 1) nil 3 }}""",
        """{{ genSelfSignedCert "x" (list "nope") nil 3 }}""",
        """{{ mustFromJson "{" }}""",
        """{{ slice (list 1 2) 3 }}""",
        """{{ mustSlice 1 }}""",
        """{{ semver "x" }}""",
        """{{ semverCompare ">1" "x" }}""",
        """{{ chunk 0 (list 1 2) }}""",
        """{{ deepCopy nil }}""",
        """{{ dig "a" "b" "d" (dict "a" "s") }}""",
        """{{ dig 1 "d" (dict) }}""",
        """{{ concat 1 2 }}""",
        """{{ concat (list 1) nil }}""",
        """{{ randInt 1 1 }}""",
        """{{ repeat -1 "a" }}""",
        """{{ indent -1 "a" }}""",
        """{{ genCAWithKey "x" 3 "not a key" }}""",
    ];

    /// <summary>Random or time-dependent snippets: Tide's and helm's output must both match the pattern.</summary>
    public static TheoryData<string, string> Shapes() => new()
    {
        { """{{ bcrypt "pw" }}""", @"^\$2a\$10\$[./A-Za-z0-9]{53}$" },
        { """{{ htpasswd "user" "pw" }}""", @"^user:\$2a\$10\$[./A-Za-z0-9]{53}$" },
        { """{{ randBytes 12 | len }}""", "^16$" },
        { """{{ encryptAES "key" "plain text" | decryptAES "key" }}""", "^plain text$" },
        { """{{ encryptAES "key" "plain" | len }}""", "^44$" },
        { """{{ uuidv4 }}""", "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" },
        { """{{ now | date "2006" }}|{{ now | typeOf }}|{{ ago now }}""", @"^20\d\d\|time\.Time\|0s$" },
        { """{{ durationRound now }}""", "^0s$" },
        { """{{ $ca := genCA "my-ca" 365 }}{{ $c := genSignedCert "svc" (list "10.0.0.1") (list "svc.ns") 730 $ca }}{{ $c.Cert | hasPrefix "-----BEGIN CERTIFICATE-----\n" }}|{{ $c.Key | hasPrefix "-----BEGIN RSA PRIVATE KEY-----\n" }}|{{ $c.Cert | hasSuffix "-----END CERTIFICATE-----\n" }}""", "^true\\|true\\|true$" },
        { """{{ $k := genPrivateKey "ecdsa" }}{{ $c := genSelfSignedCertWithKey "x" nil nil 1 $k }}{{ $ca := genCAWithKey "ca" 1 $k }}{{ $s := genSignedCertWithKey "y" nil nil 1 $ca $k }}{{ $c.Key | hasPrefix "-----BEGIN EC PRIVATE KEY-----" }}|{{ eq $s.Key $k }}""", "^true\\|true$" },
        { """{{ genPrivateKey "rsa" | hasPrefix "-----BEGIN RSA PRIVATE KEY-----" }}|{{ genPrivateKey "ed25519" | hasPrefix "-----BEGIN PRIVATE KEY-----" }}|{{ genPrivateKey "dsa" | hasPrefix "-----BEGIN DSA PRIVATE KEY-----" }}|{{ genPrivateKey "x" }}""", "^true\\|true\\|true\\|Unknown type x$" },
        { """{{ $c := genSelfSignedCert "x" nil nil 1 }}{{ $b := buildCustomCert ($c.Cert | b64enc) ($c.Key | b64enc) }}{{ eq $b.Cert $c.Cert }}""", "^true$" },
    };

    private static Dictionary<string, string> Chart(IEnumerable<string> snippets)
    {
        var files = new Dictionary<string, string>
        {
            ["Chart.yaml"] = "apiVersion: v2\nname: fns\nversion: 0.1.0\n",
            ["values.yaml"] = "n: 1\nbig: 12345678901\nl: [1, 2]\n",
        };
        var i = 0;
        foreach (var snippet in snippets)
        {
            files[$"templates/_s{i:D2}.tpl"] = $"{{{{- define \"s{i:D2}\" }}}}{snippet}{{{{ end -}}}}";
            files[$"templates/f{i:D2}.yaml"] = $"v: {{{{ include \"s{i:D2}\" . | toJson }}}}\n";
            i++;
        }
        return files;
    }

    [Fact]
    public async Task Render_ChartNamingEveryHelmFunction_ParsesAsInHelm()
    {
        var body = new StringBuilder("{{- if false }}\n");
        foreach (var name in HelmFunctions)
            body.Append("{{ ").Append(name).Append(" }}\n");
        body.Append("{{- end }}\nok: true\n");
        var files = Chart([]);
        files["templates/all.yaml"] = body.ToString();
        var (helm, tide) = await HelmOracle.RenderBothAsync(files);
        Assert.True(helm.Succeeded, helm.Text);
        Assert.Equal(helm, tide);
    }

    [Fact]
    public Task Render_DeterministicFunctions_MatchHelm() => HelmOracle.AssertSameAsync(Chart(Deterministic));

    public static TheoryData<string> FailingSnippets() => new(Failing);

    [Theory]
    [MemberData(nameof(FailingSnippets))]
    public async Task Render_FunctionError_FailsAsHelm(string snippet)
    {
        var (helm, tide) = await HelmOracle.RenderBothAsync(Chart([snippet]));
        Assert.False(helm.Succeeded, helm.Text);
        Assert.Equal(helm, tide);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Render_RandomOrTimeFunction_HasHelmsShape(string snippet, string pattern)
    {
        var (helm, tide) = await HelmOracle.RenderBothAsync(Chart([snippet]));
        Assert.True(helm.Succeeded, helm.Text);
        Assert.True(tide.Succeeded, tide.Text);
        Assert.Matches(pattern, Value(helm.Text));
        Assert.Matches(pattern, Value(tide.Text));
    }

    private static string Value(string output)
    {
        var line = output.Split('\n').Single(l => l.StartsWith("v: ", StringComparison.Ordinal));
        return System.Text.Json.JsonSerializer.Deserialize<string>(line[3..])!;
    }
}
