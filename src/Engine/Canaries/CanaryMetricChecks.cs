using System.Globalization;
using Tide.Engine.Api;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// The metric checks of an analysis step, as Flagger runs them: the builtins and inline queries against the
/// Prometheus of the Canary (spec.metricsServer or the node's), MetricTemplates against their own provider; each
/// value judged by thresholdRange (or the older threshold). The first failing check halts the step with Flagger's
/// message.
/// </summary>
public sealed class CanaryMetricChecks(KubeClient kube, HttpClient http, CanaryReconcilerOptions options)
{
    private const string DefaultInterval = "1m";

    /// <summary>Flagger's checkMetricProviderAvailability: throws with the first provider that does not answer.</summary>
    public async Task CheckProvidersAsync(CanaryRun run, CancellationToken ct)
    {
        foreach (var metric in run.Analysis.Metrics ?? [])
        {
            if (BuiltinMetrics.IsBuiltin(metric.Name))
            {
                try
                {
                    await Builtin(run).CheckOnlineAsync(ct);
                }
                catch (MetricQueryException e)
                {
                    throw new MetricQueryException($"prometheus not avaiable: {e.Message}");
                }
                continue;
            }
            if (metric.TemplateRef is { } reference)
            {
                var (template, client, ns) = await TemplateAsync(run, reference, ct);
                try
                {
                    await client.CheckOnlineAsync(ct);
                }
                catch (MetricQueryException e)
                {
                    throw new MetricQueryException(
                        $"{template.Spec.Provider?.Type} in metric template {template.Metadata.Name}.{ns} not avaiable: {e.Message}");
                }
            }
        }
    }

    /// <summary>Runs every check; false (with a warning recorded) at the first that fails.</summary>
    public async Task<bool> RunAsync(CanaryRun run, string provider, CancellationToken ct)
    {
        foreach (var metric in run.Analysis.Metrics ?? [])
        {
            var interval = metric.Interval is { Length: > 0 } i ? i : DefaultInterval;
            var model = Model(run, interval, metric.TemplateVariables);
            if (BuiltinMetrics.IsBuiltin(metric.Name))
            {
                if (!await BuiltinAsync(run, provider, metric, model, ct))
                    return false;
            }
            else if (metric.Query is { Length: > 0 } query)
            {
                if (!await InlineAsync(run, metric, model.Render(query), ct))
                    return false;
            }
            else if (metric.TemplateRef is { } reference)
            {
                if (!await TemplateCheckAsync(run, metric, reference, model, ct))
                    return false;
            }
            else
            {
                run.Warn("Metric query failed for no usable metrics template and query were configured");
                return false;
            }
        }
        return true;
    }

    private async Task<bool> BuiltinAsync(CanaryRun run, string provider, CanaryMetric metric, MetricModel model, CancellationToken ct)
    {
        var successRate = metric.Name == BuiltinMetrics.RequestSuccessRate;
        double value;
        try
        {
            value = await Builtin(run).RunQueryAsync(
                model.Render(successRate ? BuiltinMetrics.SuccessRateQuery : BuiltinMetrics.DurationQuery), ct);
        }
        catch (MetricQueryException e) when (e.NoValues)
        {
            run.Warn(successRate
                ? $"Halt advancement no values found for {provider} metric {metric.Name} probably {run.TargetName}.{run.Namespace} is not receiving traffic: {e.Message}"
                : $"Halt advancement no values found for {provider} metric {metric.Name} probably {run.TargetName}.{run.Namespace} is not receiving traffic");
            return false;
        }
        catch (MetricQueryException e)
        {
            run.Warn($"Prometheus query failed: {e.Message}");
            return false;
        }
        var (min, max) = Range(metric, successRate ? Bound.Min : Bound.Max);
        var prefix = $"Halt {run.Name}.{run.Namespace} advancement";
        if (successRate)
        {
            if (value < min)
                return Halt(run, $"{prefix} success rate {F2(value)}% < {Number(min!.Value)}%");
            if (value > max)
                return Halt(run, $"{prefix} success rate {F2(value)}% > {Number(max!.Value)}%");
            return true;
        }
        // Seconds from Prometheus, milliseconds in the thresholds; compared as Go durations of whole milliseconds.
        var duration = TimeSpan.FromMilliseconds((long)(value * 1000));
        if (min is { } low && duration < TimeSpan.FromMilliseconds(low))
            return Halt(run, $"{prefix} request duration {Go(duration)} < {Go(TimeSpan.FromMilliseconds(low))}");
        if (max is { } high && duration > TimeSpan.FromMilliseconds(high))
            return Halt(run, $"{prefix} request duration {Go(duration)} > {Go(TimeSpan.FromMilliseconds(high))}");
        return true;
    }

    private async Task<bool> InlineAsync(CanaryRun run, CanaryMetric metric, string query, CancellationToken ct)
    {
        double value;
        try
        {
            value = await Builtin(run).RunQueryAsync(query, ct);
        }
        catch (MetricQueryException e) when (e.NoValues)
        {
            return Halt(run, $"Halt advancement no values found for metric: {metric.Name}");
        }
        catch (MetricQueryException e)
        {
            return Halt(run, $"Prometheus query failed for {metric.Name}: {e.Message}");
        }
        return Judge(run, metric, value);
    }

    private async Task<bool> TemplateCheckAsync(CanaryRun run, CanaryMetric metric, CanaryCrossNamespaceReference reference,
        MetricModel model, CancellationToken ct)
    {
        MetricTemplate template;
        PrometheusClient client;
        string ns;
        try
        {
            (template, client, ns) = await TemplateAsync(run, reference, ct);
        }
        catch (MetricQueryException e)
        {
            return Halt(run, e.Message);
        }
        string query;
        try
        {
            query = model.Render(template.Spec.Query ?? "");
        }
        catch (MetricQueryException e)
        {
            return Halt(run, $"Metric template {reference.Name}.{ns} query render error: {e.Message}");
        }
        double value;
        try
        {
            value = await client.RunQueryAsync(query, ct);
        }
        catch (MetricQueryException e) when (e.NoValues)
        {
            return Halt(run, $"Halt advancement no values found for custom metric: {metric.Name}: {e.Message}");
        }
        catch (MetricQueryException e)
        {
            return Halt(run, $"Metric query failed for {metric.Name}: {e.Message}");
        }
        return Judge(run, metric, value);
    }

    /// <summary>The MetricTemplate, a client for its provider, and its namespace; errors as Flagger words them.</summary>
    private async Task<(MetricTemplate Template, PrometheusClient Client, string Namespace)> TemplateAsync(CanaryRun run,
        CanaryCrossNamespaceReference reference, CancellationToken ct)
    {
        var ns = reference.Namespace is { Length: > 0 } other ? other : run.Namespace;
        var obj = await kube.GetAsync(new ObjectRef(Canary.ApiVersionV1Beta1, MetricTemplate.KindName, ns, reference.Name), ct)
            ?? throw new MetricQueryException(
                $"Metric template {reference.Name}.{ns} error: metrictemplate.flagger.app \"{reference.Name}\" not found");
        var template = FluxJson.FromNode<MetricTemplate>(obj);
        var provider = template.Spec.Provider ?? new MetricTemplateProvider();
        IReadOnlyDictionary<string, byte[]>? credentials = null;
        if (provider.SecretRef is { } secretRef)
        {
            var secret = await kube.GetAsync(new ObjectRef("v1", "Secret", ns, secretRef.Name), ct)
                ?? throw new MetricQueryException(
                    $"Metric template {reference.Name}.{ns} secret {secretRef.Name} error: secrets \"{secretRef.Name}\" not found");
            credentials = (secret["data"] as System.Text.Json.Nodes.JsonObject ?? []).ToDictionary(
                p => p.Key, p => Convert.FromBase64String((string?)p.Value ?? ""));
        }
        if (provider.Type != "prometheus")
            throw new MetricQueryException(
                $"Metric template {reference.Name}.{ns} provider {provider.Type} error: provider {provider.Type} is not supported by Tide (supported: prometheus)");
        try
        {
            return (template, new PrometheusClient(http, provider.Address ?? "", credentials, provider.Headers), ns);
        }
        catch (MetricQueryException e)
        {
            throw new MetricQueryException($"Metric template {reference.Name}.{ns} provider {provider.Type} error: {e.Message}");
        }
    }

    private static bool Judge(CanaryRun run, CanaryMetric metric, double value)
    {
        var (min, max) = Range(metric, Bound.Max);
        var prefix = $"Halt {run.Name}.{run.Namespace} advancement {metric.Name} {F2(value)}";
        if (value < min)
            return Halt(run, $"{prefix} < {Number(min!.Value)}");
        if (value > max)
            return Halt(run, $"{prefix} > {Number(max!.Value)}");
        return true;
    }

    private enum Bound { Min, Max }

    /// <summary>thresholdRange, or the older threshold as the bound Flagger gives it for this check.</summary>
    private static (double? Min, double? Max) Range(CanaryMetric metric, Bound thresholdBound) =>
        metric.ThresholdRange is { } range ? (range.Min, range.Max)
        : thresholdBound == Bound.Min ? (metric.Threshold ?? 0, null)
        : (null, metric.Threshold ?? 0);

    private static bool Halt(CanaryRun run, string message)
    {
        run.Warn(message);
        return false;
    }

    private PrometheusClient Builtin(CanaryRun run) =>
        new(http, run.Canary.Spec.MetricsServer is { Length: > 0 } server ? server : options.MetricsServer);

    private static MetricModel Model(CanaryRun run, string interval, IReadOnlyDictionary<string, string>? variables)
    {
        var spec = run.Canary.Spec;
        return new MetricModel(run.Name, run.Namespace, run.TargetName,
            spec.Service.Name is { Length: > 0 } service ? service : run.TargetName,
            spec.IngressRef?.Name ?? run.TargetName, spec.RouteRef?.Name ?? run.TargetName, interval,
            variables ?? new Dictionary<string, string>());
    }

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Go(TimeSpan duration) => GoDuration.Format(duration);
}
