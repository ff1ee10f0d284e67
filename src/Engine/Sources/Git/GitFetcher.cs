using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LibGit2Sharp;
using Tide.Engine.Api;
using Tide.Engine.GoCompat;

namespace Tide.Engine.Sources.Git;

/// <summary>
/// Fetches GitRepository references with LibGit2Sharp into a bare clone cached per source, so later fetches only
/// transfer new objects, and exports a commit's tree to a directory for packing. URLs may be http(s)://, git://, ssh://,
/// file:// or a local path. References resolve with Flux's precedence: commit, name, semver, tag, branch
/// ('master' when nothing is set). With credentials, a proxy, or over SSH, the remote is reached with the system git
/// (<see cref="GitCliTransport"/>) into the same cache; anonymous remotes use libgit2. With submodules, the commits
/// the superproject records are fetched (recursively) into the same cache too, with the superproject's credentials
/// and proxy. Local URLs (file:// and paths) are refused unless allowed (<c>tide.sources.allow-local</c>): a tenant must
/// never read the controller's filesystem; even when allowed, the clone cache itself is never a source.
/// </summary>
public sealed class GitFetcher
{
    private const string DefaultBranch = "master";
    private const string FetchedRef = "refs/tide/fetched/";
    private const string SubmoduleRef = "refs/tide/submodules/";
    private const string SubmoduleSearchRef = "refs/tide/submodule-search/";
    private const string RemoteName = "origin";

    /// <summary>How deep submodules of submodules are followed, as go-git's default (which Flux uses).</summary>
    private const int SubmoduleDepth = 10;

    private readonly string _cacheRoot;
    private readonly bool _allowLocal;
    private readonly UrlMirrors _mirrors;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    /// <param name="cacheRoot">Where the per-source bare clones live.</param>
    /// <param name="allowLocal">Whether file:// URLs and local paths may be fetched (a single-user set-up such as
    /// <c>tide up</c>); off, they are refused as terminal.</param>
    /// <param name="mirrors">Where to fetch instead of a repository's URL (tide.sources.mirrors).</param>
    public GitFetcher(string cacheRoot, bool allowLocal = false, UrlMirrors? mirrors = null)
    {
        _cacheRoot = Path.GetFullPath(cacheRoot);
        _allowLocal = allowLocal;
        _mirrors = mirrors ?? UrlMirrors.None;
        Directory.CreateDirectory(_cacheRoot);
    }

    /// <summary>Resolves <paramref name="reference"/> at <paramref name="url"/> and fetches its commit (and, with
    /// <see cref="GitFetchOptions.RecurseSubmodules"/>, the commits of its submodules) into the cache of
    /// <paramref name="cacheKey"/> (e.g. "GitRepository/flux-system/podinfo").</summary>
    /// <exception cref="SourceFetchException">With reason GitOperationFailed, URLInvalid or EmptyGitRepository.</exception>
    public Task<GitRevision> FetchAsync(
        string cacheKey, string url, GitRepositoryRef? reference, GitFetchOptions? options, CancellationToken cancellationToken)
    {
        var remote = NormalizeUrl(_mirrors.Apply(url));
        if (IsLocal(remote))
            RequireLocalAllowed(url, remote);
        options ??= new GitFetchOptions();
        return WithCacheAsync(cacheKey, cancellationToken, repository =>
        {
            GitRevision revision;
            using (var target = Connect(url, remote, options, forceCli: false))
                revision = Fetch(repository, target, reference ?? new GitRepositoryRef(), cancellationToken);
            if (options.RecurseSubmodules)
            {
                var pinned = new HashSet<string>(StringComparer.Ordinal);
                FetchSubmodules(repository, repository.Lookup<Commit>(revision.Commit), remote, "", options, pinned, 1, cancellationToken);
                UnpinSubmodulesExcept(repository, pinned);
            }
            return revision;
        });
    }

    /// <summary>Where to fetch from: the URL as the user wrote it (for messages), as given to git, and the
    /// command-line transport when libgit2 cannot be used.</summary>
    private sealed record RemoteTarget(string Url, string Location, GitCliTransport? Cli) : IDisposable
    {
        public void Dispose() => Cli?.Dispose();
    }

    /// <summary>The transport for <paramref name="location"/>: the git CLI for SSH, credentials or a proxy (only
    /// http(s) goes through it), or when asked; else libgit2.</summary>
    private static RemoteTarget Connect(string url, string location, GitFetchOptions options, bool forceCli)
    {
        var ssh = IsSsh(location);
        var proxy = Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? options.Proxy : null;
        var cli = forceCli || ssh || options.Credentials is not null || proxy is not null
            ? new GitCliTransport(location, options.Credentials, proxy)
            : null;
        return new RemoteTarget(url, location, cli);
    }

    /// <summary>ssh:// or scp-like "[user@]host:path" (which .gitmodules may hold; spec.url must be ssh://).</summary>
    private static bool IsSsh(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1
            ? uri.Scheme == "ssh"
            : IsScpLike(location);

    private static bool IsScpLike(string location)
    {
        var colon = location.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && !location.Contains("://", StringComparison.Ordinal) && !location[..colon].Contains('/', StringComparison.Ordinal);
    }

    /// <summary>Writes the files of <paramref name="commit"/> (fetched before) into the empty directory
    /// <paramref name="destination"/>: regular and executable files only, as Flux's artifacts hold no symlinks. A
    /// submodule is an empty directory, or with <paramref name="recurseSubmodules"/> the files of the commit the
    /// superproject records (fetched with <see cref="GitFetchOptions.RecurseSubmodules"/>). With
    /// <paramref name="sparseDirectories"/>, only those directories are written.</summary>
    public Task ExportAsync(
        string cacheKey, string commit, string destination, IReadOnlyList<string>? sparseDirectories, bool recurseSubmodules,
        CancellationToken cancellationToken) =>
        WithCacheAsync(cacheKey, cancellationToken, repository =>
        {
            var target = repository.Lookup<Commit>(commit)
                ?? throw new SourceFetchException(ConditionReasons.GitOperationFailed, $"commit '{commit}' is not in the cache; fetch it first");
            var writer = new TreeWriter(repository, recurseSubmodules, cancellationToken);
            Directory.CreateDirectory(destination);
            if (sparseDirectories is null)
            {
                writer.Write(target.Tree, destination);
                return true;
            }
            foreach (var sparse in sparseDirectories)
            {
                var relative = sparse.StartsWith("./", StringComparison.Ordinal) ? sparse[2..] : sparse;
                relative = relative.Trim('/');
                if (relative.Split('/').Contains("..") || target[relative]?.Target is not Tree tree)
                    throw new SourceFetchException(ConditionReasons.GitOperationFailed,
                        $"failed to sparse checkout directories : sparse checkout dir '{sparse}' does not exist in repository");
                var path = Path.Combine(destination, relative.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(path);
                writer.Write(tree, path);
            }
            return true;
        });

    /// <summary>The raw bytes of a fetched object ("commit" or "tag"), for signature verification.</summary>
    public Task<byte[]> ReadObjectAsync(string cacheKey, string type, string sha, CancellationToken cancellationToken) =>
        WithCacheAsync(cacheKey, cancellationToken, repository => GitCliTransport.ReadObject(repository.Info.Path, type, sha, cancellationToken));

    /// <summary>Removes the cached clone of a source that was deleted.</summary>
    public Task DeleteCacheAsync(string cacheKey, CancellationToken cancellationToken) =>
        WithCacheAsync(cacheKey, cancellationToken, repository =>
        {
            var directory = repository.Info.Path;
            repository.Dispose();
            Directory.Delete(directory, recursive: true);
            return true;
        });

    /// <summary>Runs work on the source's cached bare repository, one operation at a time per source. libgit2 calls
    /// block, so they run on the thread pool; on cancellation the caller returns at once while the lock is held until
    /// libgit2 notices (its progress callbacks check the token).</summary>
    private async Task<T> WithCacheAsync<T>(string cacheKey, CancellationToken cancellationToken, Func<Repository, T> work)
    {
        var directory = Path.Combine(_cacheRoot, CacheDirectoryName(cacheKey));
        var gate = _locks.GetOrAdd(directory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        var task = Task.Run(() =>
        {
            if (!Repository.IsValid(directory))
                Repository.Init(directory, isBare: true);
            using var repository = new Repository(directory);
            return work(repository);
        }, CancellationToken.None);
        _ = task.ContinueWith(_ => gate.Release(), TaskScheduler.Default);
        try
        {
            return await task.WaitAsync(cancellationToken);
        }
        catch (UserCancelledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static string CacheDirectoryName(string cacheKey)
    {
        var safe = new string(cacheKey.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cacheKey)))[..12];
        return $"{safe}-{hash}";
    }

    /// <summary>Accepts http(s)://, git://, file:// and local paths (made absolute); refuses the rest as terminal.</summary>
    private static string NormalizeUrl(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
            throw new SourceFetchException(ConditionReasons.UrlInvalid, "failed to parse url '': the url is empty", terminal: true);
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1)
        {
            return uri.Scheme switch
            {
                "http" or "https" or "git" or "file" or "ssh" => url,
                _ => throw new SourceFetchException(ConditionReasons.UrlInvalid,
                    $"failed to parse url '{url}': unsupported scheme '{uri.Scheme}'", terminal: true),
            };
        }
        if (url.Contains("://", StringComparison.Ordinal))
            throw new SourceFetchException(ConditionReasons.UrlInvalid, $"failed to parse url '{url}'", terminal: true);
        return Path.GetFullPath(url);
    }

    private static GitRevision Fetch(Repository repository, RemoteTarget remote, GitRepositoryRef reference, CancellationToken cancellationToken)
    {
        var url = remote.Url;
        var advertised = ListRemote(remote, cancellationToken);
        if (advertised.Count == 0)
            throw new SourceFetchException(ConditionReasons.EmptyGitRepository, "git repository is empty");

        if (!string.IsNullOrEmpty(reference.Commit))
            return FetchCommit(repository, remote, reference, advertised, cancellationToken);

        string target;
        if (!string.IsNullOrEmpty(reference.Name))
            target = reference.Name;
        else if (!string.IsNullOrEmpty(reference.Semver))
            target = PickSemverTag(repository, remote, reference.Semver, advertised, cancellationToken);
        else if (!string.IsNullOrEmpty(reference.Tag))
            target = "refs/tags/" + reference.Tag;
        else
            target = "refs/heads/" + (string.IsNullOrEmpty(reference.Branch) ? DefaultBranch : reference.Branch);

        if (!advertised.Contains(target))
            throw CloneFailure(url, $"couldn't find remote ref '{target}'{Hint(target)}");
        FetchRefs(repository, remote, [target], cancellationToken);
        var commit = LocalCommit(repository, target)
            ?? throw CloneFailure(url, $"unable to resolve commit of '{target}'");
        return new GitRevision(commit.Sha, target, GitRevision.Format(commit.Sha, target, absolute: !string.IsNullOrEmpty(reference.Name)), commit.MessageShort)
        {
            TagObject = (repository.Refs[FetchedRef + target]?.ResolveToDirectReference()?.Target as TagAnnotation)?.Sha,
        };
    }

    private static GitRevision FetchCommit(
        Repository repository, RemoteTarget remote, GitRepositoryRef reference,
        IReadOnlySet<string> advertised, CancellationToken cancellationToken)
    {
        var url = remote.Url;
        string? target = null;
        if (!string.IsNullOrEmpty(reference.Branch))
            target = "refs/heads/" + reference.Branch;
        if (target is not null && !advertised.Contains(target))
            throw CloneFailure(url, $"couldn't find remote ref '{target}'{Hint(target)}");
        // Without a branch the commit may be on any of them.
        var refs = target is not null ? [target] : advertised.Where(r => r.StartsWith("refs/heads/", StringComparison.Ordinal)).ToList();
        FetchRefs(repository, remote, refs, cancellationToken);
        var commit = repository.Lookup<Commit>(reference.Commit)
            ?? throw CloneFailure(url, $"unable to resolve commit object for '{reference.Commit}'");
        if (!string.IsNullOrEmpty(reference.Name))
            target = reference.Name;
        return new GitRevision(commit.Sha, target, GitRevision.Format(commit.Sha, target, absolute: !string.IsNullOrEmpty(reference.Name)), commit.MessageShort);
    }

    /// <summary>The highest tag satisfying the range; among tags of equal version, the one on the newest commit.</summary>
    private static string PickSemverTag(
        Repository repository, RemoteTarget remote, string range,
        IReadOnlySet<string> advertised, CancellationToken cancellationToken)
    {
        var url = remote.Url;
        if (!SemverConstraint.TryParse(range, out var constraint, out var error))
            throw new SourceFetchException(ConditionReasons.GitOperationFailed,
                $"failed to checkout and determine revision: semver parse error: {error}", terminal: true);
        var matches = advertised
            .Where(r => r.StartsWith("refs/tags/", StringComparison.Ordinal))
            .Select(r => (Ref: r, Ok: SemanticVersion.TryParse(r["refs/tags/".Length..], out var v), Version: v))
            // Flux only considers tags with major, minor and patch.
            .Where(t => t.Ok && t.Version.Parts == 3 && constraint!.IsSatisfiedBy(t.Version))
            .ToList();
        if (matches.Count == 0)
            throw CloneFailure(url, $"no match found for semver: {range}");
        var highest = matches.Max(m => m.Version)!;
        var tied = matches.Where(m => m.Version.CompareTo(highest) == 0).Select(m => m.Ref).ToList();
        if (tied.Count == 1)
            return tied[0];
        FetchRefs(repository, remote, tied, cancellationToken);
        return tied.OrderBy(r => LocalCommit(repository, r)?.Committer.When ?? DateTimeOffset.MinValue).Last();
    }

    private static string Hint(string target) => target switch
    {
        _ when target.StartsWith("refs/heads/", StringComparison.Ordinal) => $": branch '{target["refs/heads/".Length..]}' does not exist",
        _ when target.StartsWith("refs/tags/", StringComparison.Ordinal) => $": tag '{target["refs/tags/".Length..]}' does not exist",
        _ => ": the reference does not exist",
    };

    private static SourceFetchException CloneFailure(string url, string detail, Exception? inner = null) =>
        new(ConditionReasons.GitOperationFailed, $"failed to checkout and determine revision: unable to clone '{url}': {detail}", inner: inner);

    /// <summary>The names of the remote's references (ls-remote); "refs/tags/x^{}" peel entries count as the tag.</summary>
    private static HashSet<string> ListRemote(RemoteTarget remote, CancellationToken cancellationToken)
    {
        if (remote.Cli is not null)
            return remote.Cli.ListRemote(cancellationToken);
        try
        {
            return Repository.ListRemoteReferences(remote.Location)
                .Select(r => r.CanonicalName.EndsWith("^{}", StringComparison.Ordinal) ? r.CanonicalName[..^3] : r.CanonicalName)
                .ToHashSet(StringComparer.Ordinal);
        }
        catch (LibGit2SharpException e)
        {
            throw new SourceFetchException(ConditionReasons.GitOperationFailed,
                $"failed to checkout and determine revision: unable to list remote for '{remote.Url}': {e.Message.TrimEnd()}", inner: e);
        }
    }

    private static void FetchRefs(Repository repository, RemoteTarget remote, IReadOnlyList<string> refs, CancellationToken cancellationToken)
    {
        // Each remote ref lands under refs/tide/fetched/, so what was fetched last is what LocalCommit reads.
        var refspecs = refs.Select(r => $"+{r}:{FetchedRef}{r}").ToList();
        if (remote.Cli is not null)
        {
            remote.Cli.Fetch(repository.Info.Path, refspecs, cancellationToken);
            return;
        }
        var options = new FetchOptions
        {
            TagFetchMode = TagFetchMode.None,
            OnTransferProgress = _ => !cancellationToken.IsCancellationRequested,
            OnProgress = _ => !cancellationToken.IsCancellationRequested,
        };
        // Fetching needs a named remote; it follows spec.url when that changes.
        var origin = repository.Network.Remotes[RemoteName];
        if (origin is null)
            repository.Network.Remotes.Add(RemoteName, remote.Location);
        else if (origin.Url != remote.Location)
            repository.Network.Remotes.Update(RemoteName, r => r.Url = remote.Location);
        try
        {
            Commands.Fetch(repository, RemoteName, refspecs, options, logMessage: null);
        }
        catch (LibGit2SharpException e) when (e is not UserCancelledException)
        {
            throw new SourceFetchException(ConditionReasons.GitOperationFailed,
                $"failed to checkout and determine revision: unable to fetch '{string.Join(", ", refs)}': {e.Message.TrimEnd()}", inner: e);
        }
    }

    private static Commit? LocalCommit(Repository repository, string remoteRef) =>
        repository.Refs[FetchedRef + remoteRef]?.ResolveToDirectReference()?.Target?.Peel<Commit>();

    /// <summary>Fetches the commit of every submodule <paramref name="commit"/> records (then theirs, up to
    /// <see cref="SubmoduleDepth"/>), unless the cache has it, and pins each with a ref so it stays in the cache.
    /// URLs come from the commit's .gitmodules; relative ones ("../lib.git") resolve against
    /// <paramref name="parentLocation"/>, the URL of the repository that records them.</summary>
    private void FetchSubmodules(
        Repository repository, Commit commit, string parentLocation, string parentPath, GitFetchOptions options,
        HashSet<string> pinned, int depth, CancellationToken cancellationToken)
    {
        var gitlinks = new List<(string Path, string Sha)>();
        CollectGitlinks(commit.Tree, "", gitlinks);
        if (gitlinks.Count == 0)
            return;
        if (depth > SubmoduleDepth)
            throw new SourceFetchException(ConditionReasons.GitOperationFailed,
                $"failed to checkout and determine revision: submodules are nested deeper than {SubmoduleDepth} levels at '{parentPath}'");
        var urls = SubmoduleUrls(repository, commit, cancellationToken);
        foreach (var (path, sha) in gitlinks)
        {
            var fullPath = parentPath + path;
            if (!urls.TryGetValue(path, out var url))
                throw SubmoduleFailure(fullPath, "no URL for it in .gitmodules");
            var location = SubmoduleLocation(parentLocation, url, fullPath);
            if (repository.Lookup<Commit>(sha) is null)
            {
                using var target = Connect(url, location, options, forceCli: true);
                FetchSubmoduleCommit(repository, target, sha, fullPath, cancellationToken);
            }
            if (pinned.Add(sha))
                repository.Refs.Add(SubmoduleRef + sha, new ObjectId(sha), allowOverwrite: true);
            FetchSubmodules(repository, repository.Lookup<Commit>(sha), location, fullPath + "/", options, pinned, depth + 1, cancellationToken);
        }
    }

    /// <summary>Fetches a submodule's commit by its id (protocol v2 servers serve any commit, as do servers allowing
    /// reachable ids in wants); when the server refuses, fetches its branches and tags and looks there, as
    /// `git submodule update` does. Uses the git CLI: libgit2 speaks only protocol v0.</summary>
    private static void FetchSubmoduleCommit(Repository repository, RemoteTarget target, string sha, string path, CancellationToken cancellationToken)
    {
        var cli = target.Cli!;
        try
        {
            cli.Fetch(repository.Info.Path, [$"+{sha}:{SubmoduleRef}{sha}"], cancellationToken);
        }
        catch (SourceFetchException)
        {
            cli.Fetch(repository.Info.Path,
                [$"+refs/heads/*:{SubmoduleSearchRef}heads/*", $"+refs/tags/*:{SubmoduleSearchRef}tags/*"], cancellationToken);
            foreach (var reference in repository.Refs.FromGlob(SubmoduleSearchRef + "*").ToList())
                repository.Refs.Remove(reference);
        }
        if (repository.Lookup<Commit>(sha) is null)
            throw SubmoduleFailure(path, $"commit '{sha}' is not in '{target.Url}'");
    }

    /// <summary>Drops the pins of submodule commits the current fetch no longer records.</summary>
    private static void UnpinSubmodulesExcept(Repository repository, HashSet<string> pinned)
    {
        foreach (var reference in repository.Refs.FromGlob(SubmoduleRef + "*").ToList())
            if (!pinned.Contains(reference.CanonicalName[SubmoduleRef.Length..]))
                repository.Refs.Remove(reference);
    }

    private static void CollectGitlinks(Tree tree, string prefix, List<(string Path, string Sha)> gitlinks)
    {
        foreach (var entry in tree)
        {
            if (entry.Mode == Mode.Directory)
                CollectGitlinks((Tree)entry.Target, prefix + entry.Name + "/", gitlinks);
            else if (entry.Mode == Mode.GitLink)
                gitlinks.Add((prefix + entry.Name, entry.Target.Sha));
        }
    }

    /// <summary>Path to URL of each submodule in the commit's .gitmodules (read with git, for its config syntax).</summary>
    private static Dictionary<string, string> SubmoduleUrls(Repository repository, Commit commit, CancellationToken cancellationToken)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        // Keys are "submodule.<name>.path" and "submodule.<name>.url"; a name may hold dots. The last value wins, as in git.
        foreach (var (key, value) in GitCliTransport.ReadConfigBlob(repository.Info.Path, commit.Sha + ":.gitmodules", cancellationToken))
        {
            var dot = key.LastIndexOf('.');
            if (!key.StartsWith("submodule.", StringComparison.Ordinal) || dot <= "submodule.".Length)
                continue;
            var name = key["submodule.".Length..dot];
            switch (key[(dot + 1)..])
            {
                case "path":
                    paths[name] = value.Trim('/');
                    break;
                case "url":
                    urls[name] = value;
                    break;
            }
        }
        var byPath = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, path) in paths)
            if (urls.TryGetValue(name, out var url))
                byPath[path] = url;
        return byPath;
    }

    /// <summary>The URL a submodule is fetched from: a relative URL ("./x", "../x") is taken against the parent's URL
    /// as git does (the parent URL counts as a directory). A local path or file:// URL is only followed from a local
    /// parent, so a remote repository cannot make Tide read the repositories of its own host.</summary>
    private string SubmoduleLocation(string parentLocation, string url, string path)
    {
        var location = url.StartsWith("./", StringComparison.Ordinal) || url.StartsWith("../", StringComparison.Ordinal)
            ? ResolveRelativeUrl(parentLocation, url, path)
            : url;
        if (IsScpLike(location))
            return location;
        string normalized;
        try
        {
            normalized = NormalizeUrl(location);
        }
        catch (SourceFetchException e)
        {
            throw SubmoduleFailure(path, e.Message);
        }
        if (IsLocal(normalized) && !IsLocal(parentLocation))
            throw SubmoduleFailure(path, $"local URL '{url}' is not allowed in a repository fetched from '{parentLocation}'");
        if (IsLocal(normalized))
            RequireLocalAllowed(url, normalized);
        return normalized;
    }

    /// <summary>Refuses a local location unless local sources are allowed, and always when it lies in the clone
    /// cache (where other sources' repositories are), symbolic links resolved.</summary>
    private void RequireLocalAllowed(string url, string location)
    {
        if (!_allowLocal)
            throw new SourceFetchException(ConditionReasons.UrlInvalid,
                $"failed to parse url '{url}': local Git URLs (file:// and paths) are not allowed on this cluster; " +
                "set tide.sources.allow-local = on to allow them", terminal: true);
        var path = RealPath(location.StartsWith("file:", StringComparison.Ordinal) ? new Uri(location).LocalPath : location);
        var cache = RealPath(_cacheRoot);
        if (path == cache || path.StartsWith(cache + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new SourceFetchException(ConditionReasons.UrlInvalid,
                $"failed to parse url '{url}': Tide's clone cache is not a source", terminal: true);
    }

    /// <summary>The absolute path with every symbolic link along it resolved (as far as it exists).</summary>
    private static string RealPath(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var root = Path.GetPathRoot(full)!;
        var resolved = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            var info = new FileInfo(next);
            resolved = info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target
                ? Path.TrimEndingDirectorySeparator(target.FullName)
                : next;
        }
        return resolved;
    }

    /// <summary>git's resolution of a relative submodule URL, except that it never climbs above the host.</summary>
    internal static string ResolveRelativeUrl(string parentLocation, string url, string path)
    {
        var parent = parentLocation.TrimEnd('/');
        // The scheme and host ("https://host", or the scp-like "host:") are never cut off.
        var scheme = parent.IndexOf("://", StringComparison.Ordinal);
        var floor = scheme >= 0 ? parent.IndexOf('/', scheme + 3) : IsScpLike(parent) ? parent.IndexOf(':', StringComparison.Ordinal) + 1 : 0;
        if (floor < 0)
            floor = parent.Length;
        var rest = url;
        while (true)
        {
            if (rest.StartsWith("./", StringComparison.Ordinal))
            {
                rest = rest[2..];
            }
            else if (rest.StartsWith("../", StringComparison.Ordinal))
            {
                var cut = parent.LastIndexOf('/');
                if (cut < floor)
                    cut = scheme < 0 && floor > 0 && parent.Length > floor ? floor : -1;
                if (cut < 0)
                    throw SubmoduleFailure(path, $"cannot resolve relative URL '{url}' against '{parentLocation}'");
                parent = parent[..cut];
                rest = rest[3..];
            }
            else
            {
                break;
            }
        }
        return parent.EndsWith(':') && IsScpLike(parent) ? parent + rest : parent + "/" + rest;
    }

    private static bool IsLocal(string location) =>
        !IsScpLike(location) && (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Scheme == "file" || uri.Scheme.Length <= 1);

    private static SourceFetchException SubmoduleFailure(string path, string detail) =>
        new(ConditionReasons.GitOperationFailed, $"failed to checkout and determine revision: submodule '{path}': {detail}");

    /// <summary>Writes trees of the cache to directories.</summary>
    private sealed class TreeWriter(Repository repository, bool recurseSubmodules, CancellationToken cancellationToken)
    {
        public void Write(Tree tree, string directory)
        {
            foreach (var entry in tree)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = Path.Combine(directory, entry.Name);
                switch (entry.Mode)
                {
                    case Mode.Directory:
                        Directory.CreateDirectory(path);
                        Write((Tree)entry.Target, path);
                        break;
                    case Mode.NonExecutableFile or Mode.NonExecutableGroupWritableFile or Mode.ExecutableFile:
                        using (var content = ((Blob)entry.Target).GetContentStream())
                        using (var file = File.Create(path))
                            content.CopyTo(file);
                        if (entry.Mode == Mode.ExecutableFile && !OperatingSystem.IsWindows())
                            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                        break;
                    // A submodule is an empty directory unless recursed into, as in a checkout.
                    case Mode.GitLink:
                        Directory.CreateDirectory(path);
                        if (recurseSubmodules)
                        {
                            var commit = repository.Lookup<Commit>(entry.Target.Id)
                                ?? throw new SourceFetchException(ConditionReasons.GitOperationFailed,
                                    $"submodule commit '{entry.Target.Sha}' at '{entry.Path}' is not in the cache; fetch it first");
                            Write(commit.Tree, path);
                        }
                        break;
                    // Symlinks are not part of artifacts.
                }
            }
        }
    }
}
