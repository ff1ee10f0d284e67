namespace Tide.Engine.Sources.Git;

/// <summary>The commit a GitRepository reference resolved to.</summary>
/// <param name="Commit">Full SHA-1 of the commit.</param>
/// <param name="Reference">The reference it was reached through (refs/heads/main, refs/tags/v1.2.3), or null for a
/// bare commit.</param>
/// <param name="Revision">Flux's revision string: "main@sha1:&lt;commit&gt;", "v1.2.3@sha1:&lt;commit&gt;",
/// "sha1:&lt;commit&gt;", or "refs/pull/1/head@sha1:&lt;commit&gt;" when the reference was given by name.</param>
/// <param name="Message">The commit message subject.</param>
public sealed record GitRevision(string Commit, string? Reference, string Revision, string Message)
{
    /// <summary>SHA-1 of the annotated tag object the reference points to, when it is one (signed tags live there).</summary>
    public string? TagObject { get; init; }

    /// <summary>Formats a revision as Flux does (fluxcd/pkg git Commit.String / AbsoluteReference).</summary>
    public static string Format(string commit, string? reference, bool absolute)
    {
        var digest = "sha1:" + commit;
        if (string.IsNullOrEmpty(reference))
            return digest;
        if (absolute)
            return $"{reference}@{digest}";
        // "refs/heads/feature/x" -> "feature/x": everything after the second '/'.
        var parts = reference.Split('/', 3);
        return parts.Length == 3 ? $"{parts[2]}@{digest}" : digest;
    }
}
