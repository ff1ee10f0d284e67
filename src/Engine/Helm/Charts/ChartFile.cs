using System.Text;

namespace Tide.Engine.Helm.Charts;

/// <summary>A file of a chart, named by its path relative to the chart root ("templates/x.yaml").</summary>
public sealed record ChartFile(string Name, byte[] Data)
{
    private string? _text;

    /// <summary>The content as UTF-8 text, decoded once per loaded file (templates are rendered many times).</summary>
    public string Text => _text ??= Encoding.UTF8.GetString(Data);
}
