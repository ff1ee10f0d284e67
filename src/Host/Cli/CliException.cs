namespace Tide.Host.Cli;

/// <summary>A failure the CLI reports as one line and exit code 1 (a wrong name, an object that failed, a
/// rejected push); usage errors are the parser's and exit with 2.</summary>
public sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
