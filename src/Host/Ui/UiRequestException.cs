namespace Tide.Host.Ui;

/// <summary>A request the UI refuses, with the HTTP status to answer.</summary>
public sealed class UiRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
