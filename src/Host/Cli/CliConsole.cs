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
    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Err { get; } = Create(Console.Error, Console.IsErrorRedirected);

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

    public static void Action(string message) => Err.WriteLine("► " + message);

    public static void Success(string message) => Err.WriteLine("✔ " + message);

    public static void Generate(string message) => Err.WriteLine("✚ " + message);

    public static void Waiting(string message) => Err.WriteLine("◎ " + message);

    public static void Failure(string message) => Err.WriteLine("✗ " + message);

    /// <summary>A line on stdout, as it is.</summary>
    public static void Line(string text = "") => Out.WriteLine(text);

    /// <summary>A plain line on stderr (hints, notes).</summary>
    public static void Note(string text) => Err.WriteLine(text);

    /// <summary>Writes text as it is (YAML, diffs), never read as markup.</summary>
    public static void Write(string text) => Out.Write(new Text(text));

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
