namespace Tide.ApiServer.Resources;

/// <summary>A CRD additionalPrinterColumn: a Table column whose cell is a JSONPath into the object.</summary>
public sealed record PrinterColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath);
