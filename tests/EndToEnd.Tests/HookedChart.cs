namespace Tide.EndToEnd.Tests;

/// <summary>A small chart written for these tests: a ConfigMap and a Deployment, pre/post-install and pre-delete
/// hook Jobs with weights, a test Job, a values schema, and a template that fails on request.</summary>
internal static class HookedChart
{
    /// <summary>Writes the chart into <paramref name="directory"/>/hooked and returns that path.</summary>
    public static string Write(string directory)
    {
        var root = Path.Combine(directory, "hooked");
        void Write(string path, string content)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Write("Chart.yaml", "apiVersion: v2\nname: hooked\nversion: 1.0.0\nappVersion: \"1.0\"\n");
        Write("values.yaml", "replicas: 1\nmessage: hello\nbreak: false\n");
        Write("values.schema.json", """
            {"type": "object",
             "properties": {"replicas": {"type": "integer", "minimum": 0}, "message": {"type": "string"}, "break": {"type": "boolean"}}}
            """);
        Write("templates/configmap.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-config
            data:
              message: {{ .Values.message | quote }}
              revision: {{ .Release.Revision | quote }}
            {{- if .Values.break }}
              broken: {{ fail "break is set: refusing to render" }}
            {{- end }}
            """);
        Write("templates/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}-app
            spec:
              replicas: {{ .Values.replicas }}
              selector:
                matchLabels: {app: {{ .Release.Name }}}
              template:
                metadata:
                  labels: {app: {{ .Release.Name }}}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
            """);
        foreach (var (hook, weight) in new[] { ("pre-install", "-5"), ("post-install", "0"), ("pre-delete", "0") })
            Write($"templates/{hook}.yaml", Job($"{{{{ .Release.Name }}}}-{hook}", hook, weight, hook == "pre-delete" ? "" : "before-hook-creation"));
        Write("templates/tests/test.yaml", Job("{{ .Release.Name }}-test", "test", "0", "before-hook-creation"));
        return root;
    }

    private static string Job(string name, string hook, string weight, string deletePolicy) => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{name}}
          annotations:
            helm.sh/hook: {{hook}}
            helm.sh/hook-weight: "{{weight}}"
        {{(deletePolicy.Length > 0 ? $"    helm.sh/hook-delete-policy: {deletePolicy}\n" : "")}}spec:
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: hook
                image: busybox:1.36
                command: ["true"]
        """;
}
