using System.CommandLine;
using System.Net.Sockets;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>
/// Runs a verb and turns what can go wrong into flux's one-line errors and exit codes: 0 done, 1 failed (the
/// cluster refused, could not be reached, an object failed, a timeout). Never a stack trace.
/// </summary>
public static class CliAction
{
    public static void Set(Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(parse, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
            catch (Exception e)
            {
                CliConsole.Failure(Message(e));
                return 1;
            }
        });

    /// <summary>The one line for a failure; what no verb expected still gets one line, with its type.</summary>
    private static string Message(Exception e) => e switch
    {
        CliException c => c.Message,
        KubeApiException k => $"the API server refused the request ({(int)k.Status} {k.Reason}): {k.ApiMessage}",
        HttpRequestException { InnerException: SocketException s } h =>
            $"cannot reach the API server: {s.Message} ({h.Message})",
        HttpRequestException h => $"cannot reach the API server: {h.Message}",
        TimeoutException or TaskCanceledException or OperationCanceledException => "timed out waiting for the API server",
        IOException io => io.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
