namespace Tide.EndToEnd.Tests;

/// <summary>Canaries and their workloads as Flagger's users write them (the podinfo tutorial's shapes).</summary>
public static class CanaryManifests
{
    public const string Namespace = "test";

    /// <param name="replicas">Null: left out, as a Deployment applied by a Kustomization next to its Canary should
    /// be (the Canary owns the target's replicas).</param>
    public static string Deployment(string name = "podinfo", string tag = "6.0.0", int? replicas = 2) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {Namespace}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}-config
          namespace: {Namespace}
        data:
          color: blue
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {Namespace}
          labels:
            app: {name}
        spec:
          {(replicas is { } count ? "replicas: " + count : "")}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
                - name: podinfod
                  image: ghcr.io/stefanprodan/podinfo:{tag}
                  ports:
                    - name: http
                      containerPort: 9898
                  envFrom:
                    - configMapRef:
                        name: {name}-config
        """;

    /// <param name="analysis">The analysis block, indented to sit under `analysis:`.</param>
    public static string Canary(string analysis, string provider = "gatewayapi", string name = "podinfo",
        string target = "podinfo", string kind = "Deployment", string? metricsServer = null) => $"""
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata:
          name: {name}
          namespace: {Namespace}
        spec:
          provider: {provider}
          {(metricsServer is null ? "" : "metricsServer: " + metricsServer)}
          targetRef:
            apiVersion: apps/v1
            kind: {kind}
            name: {target}
          progressDeadlineSeconds: 60
          service:
            port: 9898
            targetPort: 9898
            gatewayRefs:
              - name: public
                namespace: {Namespace}
            hosts:
              - app.example.com
          analysis:
        {analysis}
        """;
}
