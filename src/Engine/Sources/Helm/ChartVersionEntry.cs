namespace Tide.Engine.Sources.Helm;

/// <summary>One chart version listed in a repository index: where to download it and when it was made.</summary>
public sealed record ChartVersionEntry(string Name, string Version, IReadOnlyList<string> Urls, string? Digest, DateTimeOffset? Created);
