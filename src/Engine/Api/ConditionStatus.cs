namespace Tide.Engine.Api;

/// <summary>The three values of metav1.ConditionStatus.</summary>
public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
