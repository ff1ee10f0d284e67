namespace Tide.EndToEnd.Tests;

/// <summary>Flux objects and workloads as users write them.</summary>
public static class Manifests
{
    public static string GitRepository(string name, string url, string interval = "2s", string branch = "main") => $"""
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata:
          name: {name}
          namespace: flux-system
        spec:
          url: {url}
          interval: {interval}
          ref:
            branch: {branch}
        """;

    public static string Kustomization(string name, string source, string path, string interval = "1m",
        string? targetNamespace = null, bool suspend = false) => $"""
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: {name}
          namespace: flux-system
        spec:
          interval: {interval}
          retryInterval: 2s
          path: {path}
          prune: true
          suspend: {(suspend ? "true" : "false")}
          sourceRef:
            kind: GitRepository
            name: {source}
        {(targetNamespace is null ? "" : "  targetNamespace: " + targetNamespace)}
        """;

    public const string FluxSystem = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: flux-system
        """;

    public static string Deployment(string ns, string name, int replicas) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
                - name: app
                  image: nginx:1.27
        """;

    public static string ConfigMap(string ns, string name, string value) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
          namespace: {ns}
        data:
          value: "{value}"
        """;

    public static string Namespace(string name) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {name}
        """;
}
