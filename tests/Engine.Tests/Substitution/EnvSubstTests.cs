using Tide.Engine.Substitution;

namespace Tide.Engine.Tests.Substitution;

public sealed class EnvSubstTests
{
    private static readonly Dictionary<string, string> Vars = new()
    {
        ["var01"] = "abcdEFGH28ij",
        ["path_name"] = "/home/bozo/ideas/thoughts.for.today",
        ["filename"] = "bash.string.txt",
        ["path"] = "/path/to/file",
        ["stringZ"] = "abcABC123ABCabc",
        ["slashes"] = "foo/bar/baz",
        ["dotted"] = "foo.bar",
        ["empty"] = "",
        ["default_var"] = "foo",
        ["unicode"] = "héllo",
        ["pos"] = "11",
    };

    private static string Eval(string text) => EnvSubst.Evaluate(text, Vars.GetValueOrDefault);

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("${var01}", "abcdEFGH28ij")]
    [InlineData("a-${var01}-b", "a-abcdEFGH28ij-b")]
    [InlineData("$var01 stays", "$var01 stays")]
    [InlineData("cost: 5$", "cost: 5$")]
    [InlineData("${#var01}", "12")]
    [InlineData("${#unicode}", "6")]
    [InlineData("${var01^}", "AbcdEFGH28ij")]
    [InlineData("${var01^^}", "ABCDEFGH28IJ")]
    [InlineData("${var01,}", "abcdEFGH28ij")]
    [InlineData("${var01,,}", "abcdefgh28ij")]
    [InlineData("${path_name:11}", "ideas/thoughts.for.today")]
    [InlineData("${path_name:11:5}", "ideas")]
    [InlineData("${path_name:-5}", "/home/bozo/ideas/thoughts.for.today")]
    [InlineData("${path_name:0:5}", "/home")]
    [InlineData("${path_name:100}", "")]
    [InlineData("${path_name:x}", "/home/bozo/ideas/thoughts.for.today")]
    [InlineData("${stringZ/%abc/XYZ}", "abcABC123ABCXYZ")]
    [InlineData("${stringZ/#abc/XYZ}", "XYZABC123ABCabc")]
    [InlineData("${stringZ//abc/xyz}", "xyzABC123ABCxyz")]
    [InlineData("${stringZ/abc/xyz}", "xyzABC123ABCabc")]
    [InlineData("${stringZ/abc/}", "ABC123ABCabc")]
    [InlineData(@"${slashes/\//-}", "foo-bar/baz")]
    [InlineData(@"${slashes//\//-}", "foo-bar-baz")]
    [InlineData("${dotted/./}", "foobar")]
    [InlineData("${filename#*.}", "string.txt")]
    [InlineData("${filename##*.}", "txt")]
    [InlineData("${filename%.*}", "bash.string")]
    [InlineData("${filename%%.*}", "bash")]
    [InlineData("${path#*/}", "path/to/file")]
    [InlineData("${path##*/}", "file")]
    [InlineData("${filename#[a-c]}", "ash.string.txt")]
    [InlineData("${filename#[^a]}", "ash.string.txt")]
    [InlineData("${filename#b?s}", "h.string.txt")]
    [InlineData("${path_name:${pos}:5}", "ideas")]
    [InlineData("${var01#$%:*{}", "abcdEFGH28ij")]
    [InlineData("}text", "}text")]
    [InlineData("http://github.com", "http://github.com")]
    [InlineData(@"\\.\pipe\pipename", @"\\.\pipe\pipename")]
    public void Evaluate_Operators_MatchFluxEnvsubst(string input, string expected) =>
        Assert.Equal(expected, Eval(input));

    [Theory]
    [InlineData("${missing:=xyz}", "xyz")]
    [InlineData("${missing:-xyz}", "xyz")]
    [InlineData("${missing=xyz}", "xyz")]
    [InlineData("${empty:=xyz}", "xyz")]
    [InlineData("${empty=xyz}", "xyz")]
    [InlineData("${var01:-xyz}", "abcdEFGH28ij")]
    [InlineData("${missing:+xyz}", "xyz")]
    [InlineData("${missing:?xyz}", "xyz")]
    [InlineData("${missing:=}", "")]
    [InlineData("something ${missing=${default_var}}", "something foo")]
    [InlineData("foo: ${missing=${default_var}-suffix}", "foo: foo-suffix")]
    [InlineData("foo: ${missing=prefix${default_var}-suffix}", "foo: prefixfoo-suffix")]
    [InlineData("${missing=${var01^^}}", "ABCDEFGH28IJ")]
    [InlineData("${missing:=a:b/c d}", "a:b/c d")]
    public void Evaluate_Defaults_ApplyWhenUndefinedOrEmpty(string input, string expected) =>
        Assert.Equal(expected, Eval(input));

    [Theory]
    [InlineData("$${var01}", "${var01}")]
    [InlineData("$$", "$")]
    [InlineData("$$$${var01}", "$${var01}")]
    [InlineData("$$${var01}", "$abcdEFGH28ij")]
    [InlineData("some text ${var01}$${var$${var01}$var01${var01}", "some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij")]
    [InlineData("something $${var=${default_var}}", "something ${var=foo}")]
    [InlineData(@"\\something ${missing=${default_var}}", @"\\something foo")]
    public void Evaluate_DoubleDollar_EscapesExpansion(string input, string expected) =>
        Assert.Equal(expected, Eval(input));

    [Theory]
    [InlineData("${missing}")]
    [InlineData("${#missing}")]
    [InlineData("${missing^^}")]
    [InlineData("${missing,}")]
    [InlineData("${missing:0}")]
    [InlineData("${missing:0:10}")]
    [InlineData("${missing/a/b}")]
    [InlineData("${missing//a/b}")]
    [InlineData("${missing#a}")]
    [InlineData("${missing%%a}")]
    [InlineData("${var01:=${missing}}")]
    public void Evaluate_UndefinedWithoutDefault_FailsNamingTheVariable(string input)
    {
        var e = Assert.Throws<EnvSubstException>(() => Eval(input));
        Assert.Equal("missing", e.Variable);
        Assert.Equal("variable not set (strict mode): \"missing\"", e.Message);
    }

    [Fact]
    public void Evaluate_NonStrictLookup_ExpandsUndefinedToEmpty() =>
        Assert.Equal("a--b", EnvSubst.Evaluate("a-${missing}-b", name => Vars.GetValueOrDefault(name) ?? ""));

    [Theory]
    [InlineData("${}", "unable to parse variable name")]
    [InlineData("${ var01}", "unable to parse variable name")]
    [InlineData("${var01", "missing closing brace")]
    [InlineData("${var01-x}", "missing closing brace")]
    [InlineData("${var01:=x", "unable to parse substitution within function")]
    [InlineData("${#}", "bad substitution")]
    [InlineData("${var01^^^}", "bad substitution")]
    [InlineData("${var01//x}", "bad substitution")]
    public void Evaluate_BadSyntax_Fails(string input, string message)
    {
        var e = Assert.Throws<EnvSubstException>(() => Eval(input));
        Assert.Equal(message, e.Message);
        Assert.Null(e.Variable);
    }
}
