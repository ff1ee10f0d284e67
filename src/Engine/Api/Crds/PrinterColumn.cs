namespace Tide.Engine.Api.Crds;

/// <summary>A column `kubectl get` prints for a custom resource.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath)
{
    public static PrinterColumn Age { get; } = new("Age", "date", ".metadata.creationTimestamp");

    public static PrinterColumn Ready { get; } = new("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status");

    public static PrinterColumn Status { get; } = new("Status", "string", ".status.conditions[?(@.type==\"Ready\")].message");
}
