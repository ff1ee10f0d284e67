namespace Tide.Engine.Canaries;

/// <summary>The routers (spec.provider) Tide serves.</summary>
public static class CanaryProviders
{
    public const string Kubernetes = "kubernetes";
    public const string GatewayApi = "gatewayapi";

    /// <summary>Whether Tide serves <paramref name="provider"/>; gatewayapi may name its version (gatewayapi:v1).</summary>
    public static bool IsSupported(string provider) =>
        provider == Kubernetes || provider == GatewayApi || provider.StartsWith(GatewayApi + ":", StringComparison.Ordinal);
}
