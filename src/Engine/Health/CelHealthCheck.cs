using System.Text.Json.Nodes;
using Cel;
using Tide.Engine.Api;
using Tide.Engine.Expressions;

namespace Tide.Engine.Health;

/// <summary>One healthCheckExprs entry compiled: decides the status of objects of its group and kind with CEL
/// expressions over the object's <c>metadata</c>, <c>spec</c> and <c>status</c>, as Flux does (RFC-0009).</summary>
public sealed class CelHealthCheck
{
    private static readonly string[] Variables = ["metadata", "spec", "status"];

    private readonly string _group;
    private readonly string? _kind;
    // Evaluated in this order; the first that is true decides (Flux's order).
    private readonly List<(HealthStatus Status, string Name, string Expression, CelProgramDelegate Run)> _rules;

    private CelHealthCheck(string group, string? kind, List<(HealthStatus, string, string, CelProgramDelegate)> rules)
    {
        _group = group;
        _kind = kind;
        _rules = rules;
    }

    /// <summary>Compiles the expressions of <paramref name="check"/>.</summary>
    /// <exception cref="InvalidHealthCheckExpressionException">An expression does not parse.</exception>
    public static CelHealthCheck Compile(CustomHealthCheck check)
    {
        var environment = new CelEnvironment(null, null);
        var rules = new List<(HealthStatus, string, string, CelProgramDelegate)>();
        foreach (var (status, name, expression) in new[]
                 {
                     (HealthStatus.InProgress, "inProgress", check.InProgress),
                     (HealthStatus.Failed, "failed", check.Failed),
                     (HealthStatus.Current, "current", check.Current),
                 })
        {
            if (string.IsNullOrWhiteSpace(expression)) continue;
            try
            {
                rules.Add((status, name, expression, environment.Compile(expression)));
            }
            catch (CelException e)
            {
                throw new InvalidHealthCheckExpressionException(
                    $"healthCheckExprs {check.ApiVersion}/{check.Kind} {name}: invalid CEL expression '{expression}': {e.Message}", e);
            }
        }
        var slash = check.ApiVersion.IndexOf('/');
        return new CelHealthCheck(slash < 0 ? "" : check.ApiVersion[..slash], check.Kind, rules);
    }

    /// <summary>Flux applies an entry to its group and kind, whatever the version.</summary>
    public bool Applies(JsonObject obj)
    {
        var apiVersion = obj.Str("", "apiVersion");
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? "" : apiVersion[..slash];
        return group == _group && (_kind is null || _kind == Kstatus.Kind(obj));
    }

    public HealthResult Evaluate(JsonObject obj)
    {
        if (Kstatus.GenerationNotObserved(obj) is { } behind) return behind;

        var variables = Variables.ToDictionary(v => v, v => (object?)(CelJson.From(obj[v]) ?? new Dictionary<string, object?>()));
        foreach (var (status, name, expression, run) in _rules)
        {
            object? result;
            try
            {
                result = run(variables);
            }
            catch (CelException e)
            {
                // Like Flux, an expression that cannot be evaluated (a missing field) leaves the status unknown.
                return new HealthResult(HealthStatus.Unknown, $"{name} expression '{expression}' failed: {e.Message}");
            }
            if (result is not bool matched)
                return new HealthResult(HealthStatus.Unknown, $"{name} expression '{expression}' did not evaluate to a bool");
            if (matched) return new HealthResult(status, $"{name} expression is true: {expression}");
        }
        return HealthResult.InProgress("no healthCheckExprs expression is true yet");
    }
}
