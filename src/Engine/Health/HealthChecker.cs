using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Health;

/// <summary>Reads the live state of objects and judges each by kstatus. One call is one round: the caller decides
/// when to ask again (a scheduled tick), so no thread is held while objects become ready.</summary>
/// <param name="get">Reads an object from the API server; null when it does not exist.</param>
/// <param name="time">The clock kstatus's Pod rule compares creation times with.</param>
/// <param name="expressions">Compiled healthCheckExprs: for the kinds they name they replace kstatus's rules.</param>
public sealed class HealthChecker(
    Func<ObjectRef, CancellationToken, Task<JsonObject?>> get,
    TimeProvider time,
    IReadOnlyList<CelHealthCheck>? expressions = null)
{
    /// <param name="answered">Objects as the API server answered their apply a moment ago: one that already shows
    /// itself Current there (a ServiceAccount, a Service, an unchanged Deployment) is not read again; any other is.</param>
    public async Task<HealthReport> CheckAsync(IReadOnlyList<ObjectRef> objects, CancellationToken cancellationToken,
        IReadOnlyDictionary<ObjectRef, JsonObject>? answered = null)
    {
        var results = new List<ObjectHealth>(objects.Count);
        foreach (var reference in objects)
        {
            var result = answered?.GetValueOrDefault(reference) is { } fresh && Judge(fresh) is { Status: HealthStatus.Current } current
                ? current
                : await get(reference, cancellationToken).ConfigureAwait(false) is { } live
                    ? Judge(live)
                    : new HealthResult(HealthStatus.NotFound, "Resource not found");
            results.Add(new ObjectHealth(reference, result.Status, result.Message));
        }
        return new HealthReport(results);
    }

    private HealthResult Judge(JsonObject live) =>
        expressions?.FirstOrDefault(e => e.Applies(live)) is { } custom
            ? custom.Evaluate(live)
            : Kstatus.Compute(live, time.GetUtcNow());
}
