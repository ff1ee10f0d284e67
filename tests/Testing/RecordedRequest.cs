using System.Collections.Specialized;

namespace Tide.Testing;

/// <summary>A request <see cref="RecordingHttpServer"/> received.</summary>
public sealed record RecordedRequest(string Method, string Path, NameValueCollection Headers, string Body);
