using System.Globalization;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>Reads and steers Flux objects as the verbs need them: conditions, suspend, reconcile requests, and the
/// wait until an object has handled a request.</summary>
public static class FluxObjects
{
    public const string RequestedAtAnnotation = "reconcile.fluxcd.io/requestedAt";

    public static string Name(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? "";

    public static string Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>() ?? "";

    public static JsonObject? Condition(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
        .FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

    /// <summary>The Ready condition's status (True, False, Unknown) and message; Unknown when there is none yet.</summary>
    public static (string Status, string Message) Ready(JsonObject obj) => Condition(obj, "Ready") is { } ready
        ? (ready["status"]?.GetValue<string>() ?? "Unknown", ready["message"]?.GetValue<string>() ?? "")
        : ("Unknown", "waiting to be reconciled");

    public static bool IsSuspended(JsonObject obj) => obj["spec"]?["suspend"]?.GetValue<bool>() == true;

    /// <summary>The object, or a <see cref="CliException"/> naming what was not found.</summary>
    public static async Task<JsonObject> GetAsync(KubeClient kube, FluxKind kind, string ns, string name, CancellationToken ct) =>
        await ServedAsync(kind, () => kube.GetAsync(new ObjectRef(kind.ApiVersion, kind.Kind, ns, name), ct))
        ?? throw new CliException($"{kind.Kind} '{ns}/{name}' not found");

    public static async Task<IReadOnlyList<JsonObject>> ListAsync(KubeClient kube, FluxKind kind, string? ns, CancellationToken ct) =>
        (await ServedAsync(kind, () => kube.ListAsync(kind.ApiVersion, kind.Kind, ns, null, ct))).Items
        .OrderBy(Namespace, StringComparer.Ordinal).ThenBy(Name, StringComparer.Ordinal).ToList();

    /// <summary>Whether the cluster serves the kind (its CRD is installed).</summary>
    public static async Task<bool> IsServedAsync(KubeClient kube, FluxKind kind, CancellationToken ct)
    {
        try
        {
            await kube.ResolveAsync(kind.ApiVersion, kind.Kind, ct);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    private static async Task<T> ServedAsync<T>(FluxKind kind, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (KubeApiException e) when (e.IsNotFound && e.ApiMessage.StartsWith("no matches", StringComparison.Ordinal))
        {
            throw new CliException($"the cluster does not serve {kind.Kind} ({kind.ApiVersion}): run `tide install` or `tide check`");
        }
    }

    /// <summary>Annotates reconcile.fluxcd.io/requestedAt with now (RFC 3339, as flux writes it) and returns it.</summary>
    public static async Task<string> RequestReconcileAsync(KubeClient kube, FluxKind kind, string ns, string name,
        JsonObject? specPatch, CancellationToken ct)
    {
        var requestedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RequestedAtAnnotation] = requestedAt } },
        };
        if (specPatch is not null)
            patch["spec"] = specPatch;
        await kube.PatchAsync(new ObjectRef(kind.ApiVersion, kind.Kind, ns, name), patch, ct);
        return requestedAt;
    }

    /// <summary>
    /// Waits until the object says it handled the request (status.lastHandledReconcileAt equals it) and is Ready;
    /// a handled request with Ready=False is a failure with the object's message.
    /// </summary>
    public static Task<JsonObject> WaitHandledAsync(KubeClient kube, FluxKind kind, string ns, string name,
        string requestedAt, TimeSpan timeout, CancellationToken ct) =>
        WaitAsync(kube, kind, ns, name, timeout, "reconcile", obj =>
        {
            var handled = obj["status"]?["lastHandledReconcileAt"]?.GetValue<string>() == requestedAt;
            return handled ? Verdict(obj, failed: true) : null;
        }, ct);

    /// <summary>Waits until the object's status speaks of its current generation and it is Ready (a created or
    /// changed object) and, if given, <paramref name="accept"/> holds; Stalled for that generation is a failure with
    /// the object's message.</summary>
    public static Task<JsonObject> WaitReadyAsync(KubeClient kube, FluxKind kind, string ns, string name,
        TimeSpan timeout, Func<JsonObject, bool>? accept, CancellationToken ct) =>
        WaitAsync(kube, kind, ns, name, timeout, "become ready", obj =>
        {
            var current = obj["status"]?["observedGeneration"]?.GetValue<long>() == obj["metadata"]?["generation"]?.GetValue<long>();
            if (!current || accept?.Invoke(obj) == false)
                return null;
            return Verdict(obj, failed: Condition(obj, "Stalled") is not null);
        }, ct);

    /// <summary>True when Ready, false when Ready=False counts as failed, null to keep waiting.</summary>
    private static bool? Verdict(JsonObject obj, bool failed) => Ready(obj).Status switch
    {
        "True" => true,
        "False" when failed => false,
        _ => null,
    };

    private static async Task<JsonObject> WaitAsync(KubeClient kube, FluxKind kind, string ns, string name, TimeSpan timeout,
        string what, Func<JsonObject, bool?> verdict, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        JsonObject? last = null;
        try
        {
            while (true)
            {
                last = await GetAsync(kube, kind, ns, name, deadline.Token);
                switch (verdict(last))
                {
                    case true:
                        return last;
                    case false:
                        throw new CliException($"{kind.Kind} reconciliation failed: {Ready(last).Message}");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var message = last is null ? "" : ": " + Ready(last).Message;
            throw new CliException($"timeout waiting for {kind.Kind} '{ns}/{name}' to {what} after {timeout.TotalSeconds:0}s{message}");
        }
    }

    /// <summary>A suspended object is not reconciled on request: a <see cref="CliException"/> says to resume it.</summary>
    public static void RefuseSuspended(FluxKind kind, JsonObject obj)
    {
        if (IsSuspended(obj))
            throw new CliException($"{kind.Kind} '{Namespace(obj)}/{Name(obj)}' is suspended: run `tide resume {kind.HumanName} {Name(obj)}` first");
    }

    /// <summary>Sets spec.suspend: the object is no longer reconciled until resumed.</summary>
    public static Task SuspendAsync(KubeClient kube, FluxKind kind, string ns, string name, CancellationToken ct) =>
        kube.PatchAsync(new ObjectRef(kind.ApiVersion, kind.Kind, ns, name),
            new JsonObject { ["spec"] = new JsonObject { ["suspend"] = true } }, ct);

    /// <summary>Clears spec.suspend and requests a reconcile in the same patch; returns the request's time.</summary>
    public static Task<string> ResumeAsync(KubeClient kube, FluxKind kind, string ns, string name, CancellationToken ct) =>
        RequestReconcileAsync(kube, kind, ns, name, new JsonObject { ["suspend"] = false }, ct);

    /// <summary>The source an applier reads: a Kustomization's spec.sourceRef, a HelmRelease's chart source
    /// (its HelmChart, as flux reconciles it) or chartRef; a <see cref="CliException"/> when it names none.</summary>
    public static (FluxKind Kind, string Namespace, string Name) SourceOf(FluxKind kind, JsonObject obj) =>
        TrySourceOf(kind, obj) ?? throw new CliException($"{kind.Kind} '{Namespace(obj)}/{Name(obj)}' names no source this CLI knows");

    /// <summary><see cref="SourceOf"/>, or null for a source kind or an applier naming no known source.</summary>
    public static (FluxKind Kind, string Namespace, string Name)? TrySourceOf(FluxKind kind, JsonObject obj)
    {
        if (kind.IsSource)
            return null;
        var ns = Namespace(obj);
        var spec = obj["spec"];
        var reference = kind == FluxKind.HelmRelease ? spec?["chartRef"] ?? spec?["chart"]?["spec"]?["sourceRef"] : spec?["sourceRef"];
        var sourceKind = reference?["kind"]?.GetValue<string>() is { } k ? FluxKind.ByKindName(k) : null;
        if (reference?["name"]?.GetValue<string>() is not { } sourceName || sourceKind is null)
            return null;
        return (sourceKind, reference["namespace"]?.GetValue<string>() ?? ns, sourceName);
    }

    /// <summary>Requests a reconcile and waits for it, printing flux's lines; returns the object as it ended.</summary>
    public static async Task<JsonObject> ReconcileAsync(KubeClient kube, FluxKind kind, string ns, string name,
        TimeSpan timeout, CancellationToken ct)
    {
        RefuseSuspended(kind, await GetAsync(kube, kind, ns, name, ct));
        CliConsole.Action($"annotating {kind.Kind} {name} in {ns} namespace");
        var requestedAt = await RequestReconcileAsync(kube, kind, ns, name, null, ct);
        CliConsole.Success($"{kind.Kind} annotated");
        var done = await CliConsole.WaitAsync($"waiting for {kind.Kind} reconciliation",
            () => WaitHandledAsync(kube, kind, ns, name, requestedAt, timeout, ct));
        CliConsole.Success($"{kind.RevisionVerb} {kind.Revision(done)}");
        return done;
    }
}
