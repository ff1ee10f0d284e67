using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tide.Host.Logging;

namespace Tide.EndToEnd.Tests;

/// <summary>The node's log lines in both encodings, and the flags' validation.</summary>
public sealed class LineLoggerProviderTests
{
    private static (ILogger Logger, StringWriter Output, ILoggerFactory Factory) Create(string level, string encoding)
    {
        var output = new StringWriter();
        var settings = LogSettings.Parse(level, encoding).Settings!;
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new LineLoggerProvider(settings, output)));
        return (factory.CreateLogger("kustomization"), output, factory);
    }

    [Fact]
    public void Json_IsOneObjectPerLine_WithScopeFieldsInLowerCamelCase()
    {
        var (logger, output, factory) = Create("info", "json");
        using (factory)
        using (logger.BeginScope(new Dictionary<string, object?> { ["controllerKind"] = "Kustomization", ["name"] = "apps" }))
        {
            logger.LogInformation("Reconciliation finished in {Duration}", "1.5s");
            logger.LogDebug("not at info");
            logger.LogError(new InvalidOperationException("boom"), "failed \"{Name}\"", "x\ny");
        }

        var lines = output.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal(["level", "ts", "logger", "msg", "duration", "controllerKind", "name"], first.AsObject().Select(p => p.Key));
        Assert.Equal(("info", "kustomization", "Reconciliation finished in 1.5s", "1.5s"),
            (first["level"]!.ToString(), first["logger"]!.ToString(), first["msg"]!.ToString(), first["duration"]!.ToString()));
        var second = JsonNode.Parse(lines[1])!;
        Assert.Equal("error", second["level"]!.ToString());
        Assert.Equal("failed \"x\ny\"", second["msg"]!.ToString());
        Assert.StartsWith("System.InvalidOperationException: boom", second["error"]!.ToString());
    }

    [Fact]
    public void Console_IsTabSeparated_WithTheFieldsAsJson()
    {
        var (logger, output, factory) = Create("error", "console");
        using (factory)
        {
            logger.LogInformation("hidden at error");
            logger.LogError("Reconciliation failed after {Duration}", "2s");
        }

        var fields = output.ToString().TrimEnd('\n').Split('\t');
        Assert.Equal(["ERROR", "kustomization", "Reconciliation failed after 2s", """{"duration":"2s"}"""], fields[1..]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", fields[0]);
    }

    [Theory]
    [InlineData("verbose", "json", "invalid --log-level 'verbose': use one of debug, info, error")]
    [InlineData("info", "xml", "invalid --log-encoding 'xml': use one of json, console")]
    public void WrongFlags_AreNamed(string level, string encoding, string error) =>
        Assert.Equal(error, LogSettings.Parse(level, encoding).Error);
}
