namespace Tide.Engine.Canaries;

/// <summary>The builtin checks as Flagger queries them for the kubernetes and gatewayapi providers (its HTTP
/// observer): the canary pods' http_request_duration_seconds, by kubernetes_namespace and kubernetes_pod_name.</summary>
public static class BuiltinMetrics
{
    public const string RequestSuccessRate = "request-success-rate";
    public const string RequestDuration = "request-duration";

    public static bool IsBuiltin(string name) => name is RequestSuccessRate or RequestDuration;

    /// <summary>The percentage of requests that did not answer 5xx.</summary>
    public const string SuccessRateQuery = """
        sum(
            rate(
                http_request_duration_seconds_count{
                    kubernetes_namespace="{{ namespace }}",
                    kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",
                    status!~"5.*"
                }[{{ interval }}]
            )
        )
        /
        sum(
            rate(
                http_request_duration_seconds_count{
                    kubernetes_namespace="{{ namespace }}",
                    kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
                }[{{ interval }}]
            )
        )
        * 100
        """;

    /// <summary>The 99th percentile of request durations, in seconds.</summary>
    public const string DurationQuery = """
        histogram_quantile(
            0.99,
            sum(
                rate(
                    http_request_duration_seconds_bucket{
                        kubernetes_namespace="{{ namespace }}",
                        kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
                    }[{{ interval }}]
                )
            ) by (le)
        )
        """;
}
