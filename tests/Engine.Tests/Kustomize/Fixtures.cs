namespace Tide.Engine.Tests.Kustomize;

/// <summary>Small manifests the kustomize unit tests build on.</summary>
internal static class Fixtures
{
    public const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels:
            app: web
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              serviceAccountName: runner
              containers:
              - name: app
                image: nginx:1.25
                ports:
                - containerPort: 80
                env:
                - name: A
                  value: "1"
                envFrom:
                - configMapRef:
                    name: settings
                volumeMounts:
                - name: data
                  mountPath: /data
              - name: sidecar
                image: busybox
              volumes:
              - name: data
                persistentVolumeClaim:
                  claimName: data
              - name: secret
                secret:
                  secretName: creds
        """;

    public const string Service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 8080
        """;

    public const string Rbac = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: runner
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: reader
        rules:
        - apiGroups: [""]
          resources: ["configmaps"]
          resourceNames: ["settings"]
          verbs: ["get"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: reader
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: reader
        subjects:
        - kind: ServiceAccount
          name: runner
        - kind: ServiceAccount
          name: default
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: reader-cluster
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: view
        subjects:
        - kind: ServiceAccount
          name: runner
          namespace: elsewhere
        """;

    public const string Pvc = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        """;

    /// <summary>A kustomization with the given body over deployment.yaml, service.yaml, rbac.yaml and pvc.yaml.</summary>
    public static Dictionary<string, string> App(string kustomizationBody, params (string Path, string Content)[] extra)
    {
        var files = new Dictionary<string, string>
        {
            ["deployment.yaml"] = Deployment,
            ["service.yaml"] = Service,
            ["rbac.yaml"] = Rbac,
            ["pvc.yaml"] = Pvc,
            ["kustomization.yaml"] = "resources:\n- deployment.yaml\n- service.yaml\n- rbac.yaml\n- pvc.yaml\n" + kustomizationBody,
        };
        foreach (var (path, content) in extra)
            files[path] = content;
        return files;
    }
}
