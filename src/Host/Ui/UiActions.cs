using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tide.Engine.Kube;
using Tide.Host.Cli;

namespace Tide.Host.Ui;

/// <summary>
/// The UI's buttons, by the CLI's code: reconcile (optionally its source first), suspend, resume. With impersonation
/// on, the request must carry the user's bearer token: a TokenReview names the user and groups, and the action is
/// performed impersonating them, so the API server's RBAC decides and its refusal is the answer. With it off
/// (`tide up`), Tide's own identity acts.
/// </summary>
public sealed class UiActions(KubeClient kube, bool impersonate)
{
    public async Task<(int Status, JsonObject Body)> RunAsync(HttpContext context, FluxKind kind, string ns, string name,
        string action, CancellationToken ct)
    {
        KubeClient? acting = null;
        try
        {
            acting = impersonate ? await AuthenticateAsync(context, ct) : kube;
            var requestedAt = action switch
            {
                "reconcile" => await ReconcileAsync(acting, kind, ns, name,
                    context.Request.Query["withSource"] == "true", ct),
                "suspend" => await SuspendAsync(acting, kind, ns, name, ct),
                "resume" => await FluxObjects.ResumeAsync(acting, kind, ns, name, ct),
                _ => throw new UiRequestException(404, $"unknown action '{action}': reconcile, suspend or resume"),
            };
            var body = new JsonObject { ["action"] = action };
            if (requestedAt is not null)
                body["requestedAt"] = requestedAt;
            return (202, body);
        }
        catch (UiRequestException e)
        {
            return (e.Status, Message(e.Message));
        }
        catch (CliException e)
        {
            return (409, Message(e.Message));
        }
        catch (KubeApiException e)
        {
            // The API server's own words, e.g. `... is forbidden: User "jane" cannot patch resource ...`.
            return ((int)e.Status, Message(e.ApiMessage));
        }
        finally
        {
            if (acting is not null && !ReferenceEquals(acting, kube))
                acting.Dispose();
        }
    }

    /// <summary>As `tide reconcile [--with-source]`: a suspended object is refused; the source is annotated first.
    /// The page follows the result live instead of waiting here.</summary>
    private static async Task<string> ReconcileAsync(KubeClient acting, FluxKind kind, string ns, string name, bool withSource,
        CancellationToken ct)
    {
        var obj = await FluxObjects.GetAsync(acting, kind, ns, name, ct);
        FluxObjects.RefuseSuspended(kind, obj);
        if (withSource)
        {
            var (sourceKind, sourceNs, sourceName) = FluxObjects.SourceOf(kind, obj);
            FluxObjects.RefuseSuspended(sourceKind, await FluxObjects.GetAsync(acting, sourceKind, sourceNs, sourceName, ct));
            await FluxObjects.RequestReconcileAsync(acting, sourceKind, sourceNs, sourceName, null, ct);
        }
        return await FluxObjects.RequestReconcileAsync(acting, kind, ns, name, null, ct);
    }

    private static async Task<string?> SuspendAsync(KubeClient acting, FluxKind kind, string ns, string name, CancellationToken ct)
    {
        await FluxObjects.SuspendAsync(acting, kind, ns, name, ct);
        return null;
    }

    /// <summary>The user of the request's bearer token, as the API server's TokenReview names them.</summary>
    private async Task<KubeClient> AuthenticateAsync(HttpContext context, CancellationToken ct)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= "Bearer ".Length)
            throw new UiRequestException(401, "log in: this Tide performs actions as you, with your bearer token");
        var review = await kube.CreateAsync(new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenReview",
            ["spec"] = new JsonObject { ["token"] = header["Bearer ".Length..].Trim() },
        }, ct);
        var status = review["status"];
        if (status?["authenticated"]?.GetValue<bool>() != true || status["user"]?["username"]?.GetValue<string>() is not { Length: > 0 } user)
            throw new UiRequestException(401, "the API server did not accept the token" +
                (status?["error"]?.GetValue<string>() is { Length: > 0 } error ? ": " + error : ""));
        var groups = (status["user"]?["groups"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? "")
            .Where(g => g.Length > 0).ToList();
        return kube.Impersonating(user, groups);
    }

    private static JsonObject Message(string message) => new() { ["message"] = message };
}
