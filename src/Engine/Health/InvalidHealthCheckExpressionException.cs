namespace Tide.Engine.Health;

/// <summary>A healthCheckExprs entry whose CEL does not parse: a configuration error the user must fix.</summary>
public sealed class InvalidHealthCheckExpressionException(string message, Exception inner) : Exception(message, inner);
