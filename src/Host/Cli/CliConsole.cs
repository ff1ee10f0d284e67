using Spectre.Console;
using Spectre.Console.Rendering;

namespace Tide.Host.Cli;

/// <summary>
/// Where the verbs write: results (tables, YAML) on stdout, flux's progress lines (► ✔ ✗ ◎ ✚) on stderr. On a
/// terminal the tables are Spectre's and waits show a spinner; redirected, output is plain text without colour or
/// wrapping, so scripts can read it.
/// </summary>
public static class CliConsole
{
    // Created on first use: plain lines do not need Spectre, and a verb that prints only lines starts faster.
    private static readonly Lazy<IAnsiConsole> LazyOut = new(() => Create(Console.Out, Console.IsOutputRedirected));
    private static readonly Lazy<IAnsiConsole> LazyErr = new(() => Create(Console.Error, Console.IsErrorRedirected));

    public static IAnsiConsole Out => LazyOut.Value;

    public static IAnsiConsole Err => LazyErr.Value;

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        console.Profile.Capabilities.Unicode = true;
        if (redirected)
            console.Profile.Width = 4096;
        return console;
    }

    public static void Action(string message) => Note("► " + message);

    public static void Success(string message) => Note("✔ " + message);

    public static void Generate(string message) => Note("✚ " + message);

    public static void Waiting(string message) => Note("◎ " + message);

    public static void Failure(string message) => Note("✗ " + message);

    /// <summary>A line on stdout, as it is.</summary>
    public static void Line(string text = "") => Console.Out.Write(text + "\n");

    /// <summary>A plain line on stderr (hints, notes).</summary>
    public static void Note(string text) => Console.Error.Write(text + "\n");

    /// <summary>Writes text as it is (YAML, diffs).</summary>
    public static void Write(string text) => Console.Out.Write(text);

    /// <summary>A borderless table like flux's: upper-case headers, columns padded to their widest cell.</summary>
    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, bool showHeaders = true)
    {
        var table = new Table().Border(TableBorder.None);
        foreach (var header in headers)
            table.AddColumn(new TableColumn(new Text(header)).NoWrap().Padding(0, 0, 3, 0));
        if (!showHeaders)
            table.HideHeaders();
        foreach (var row in rows)
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        Out.Write(table);
    }

    /// <summary>Runs a wait: a spinner beside the message on a terminal, the message as a plain line otherwise.</summary>
    public static async Task<T> WaitAsync<T>(string message, Func<Task<T>> work)
    {
        if (!Err.Profile.Capabilities.Interactive)
        {
            Waiting(message);
            return await work();
        }
        return await Err.Status().Spinner(Spinner.Known.Dots).StartAsync(message, _ => work());
    }
}
