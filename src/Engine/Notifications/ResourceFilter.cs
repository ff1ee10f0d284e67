using System.Text.Json.Nodes;
using Cel;
using Tide.Engine.Expressions;

namespace Tide.Engine.Notifications;

/// <summary>
/// A Receiver's spec.resourceFilter: a CEL expression deciding, per resource, whether a call asks it to reconcile,
/// over <c>res</c> (the resource's apiVersion, kind and metadata) and <c>req</c> (the call's JSON body; empty when
/// the call is not application/json), as notification-controller evaluates it. It must give a bool.
/// </summary>
public sealed class ResourceFilter
{
    private readonly string _expression;
    private readonly CelProgramDelegate _run;

    private ResourceFilter(string expression, CelProgramDelegate run)
    {
        _expression = expression;
        _run = run;
    }

    /// <summary>Why <paramref name="expression"/> cannot be used (null: it compiles, or there is none).</summary>
    public static string? Validate(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            return null;
        try
        {
            Compile(expression);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <exception cref="InvalidOperationException">The expression does not compile.</exception>
    public static ResourceFilter Compile(string expression)
    {
        try
        {
            return new ResourceFilter(expression, new CelEnvironment(null, null).Compile(expression));
        }
        catch (CelException e)
        {
            throw new InvalidOperationException($"invalid resourceFilter CEL expression '{expression}': {e.Message}", e);
        }
    }

    /// <summary>Whether the call (<paramref name="request"/>, its JSON body or null) asks <paramref name="resource"/>
    /// to reconcile.</summary>
    /// <exception cref="InvalidOperationException">The expression fails or does not give a bool.</exception>
    public bool Accepts(JsonObject resource, JsonNode? request)
    {
        var res = new Dictionary<string, object?>
        {
            ["apiVersion"] = resource["apiVersion"]?.ToString(),
            ["kind"] = resource["kind"]?.ToString(),
            ["metadata"] = CelJson.From(resource["metadata"]),
        };
        object? result;
        try
        {
            result = _run(new Dictionary<string, object?> { ["res"] = res, ["req"] = CelJson.From(request) ?? new Dictionary<string, object?>() });
        }
        catch (CelException e)
        {
            throw new InvalidOperationException($"resourceFilter '{_expression}' failed: {e.Message}", e);
        }
        return result as bool? ?? throw new InvalidOperationException($"resourceFilter '{_expression}' did not evaluate to a bool");
    }
}
