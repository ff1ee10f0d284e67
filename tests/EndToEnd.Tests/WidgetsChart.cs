namespace Tide.EndToEnd.Tests;

/// <summary>A small chart written for these tests: crds/ holds the CustomResourceDefinition of Widget (labelled with
/// the chart's version), templates/ one Widget.</summary>
internal static class WidgetsChart
{
    /// <summary>Writes version <paramref name="version"/> of the chart into <paramref name="directory"/>/widgets.</summary>
    public static string Write(string directory, string version)
    {
        var root = Path.Combine(directory, "widgets");
        Directory.CreateDirectory(Path.Combine(root, "crds"));
        Directory.CreateDirectory(Path.Combine(root, "templates"));
        File.WriteAllText(Path.Combine(root, "Chart.yaml"), $"apiVersion: v2\nname: widgets\nversion: {version}\n");
        File.WriteAllText(Path.Combine(root, "values.yaml"), "size: 1\n");
        File.WriteAllText(Path.Combine(root, "crds", "widget.yaml"), $"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
              labels: {"{"}chart-version: "{version}"{"}"}
            spec:
              group: example.com
              names: {"{"}kind: Widget, plural: widgets, singular: widget, listKind: WidgetList{"}"}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {"{"}type: object, x-kubernetes-preserve-unknown-fields: true{"}"}
            """);
        File.WriteAllText(Path.Combine(root, "templates", "widget.yaml"), """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: {{ .Release.Name }}
            spec:
              size: {{ .Values.size }}
            """);
        return root;
    }
}
