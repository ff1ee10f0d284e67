using Tide.Engine.Api;
using Tide.Engine.Generators;
using Tide.Engine.Reconcilers;
using Tide.Testing;

namespace Tide.Engine.Tests.Generators;

/// <summary>pathPattern discovery as source-watcher documents it: one artifact set per matching directory.</summary>
public sealed class PathPatternExpanderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ArtifactGeneratorSpec Spec(string pathPattern, string name = "{app}-{env}") => new()
    {
        Sources = [new GeneratorSourceReference { Alias = "monorepo", Kind = "GitRepository", Name = "repo" }],
        PathPattern = pathPattern,
        Artifacts = [new OutputArtifact { Name = name, Copy = [new CopyOperation { From = "@monorepo/apps/{app}/envs/{env}/**", To = "@artifact/" }] }],
    };

    private IReadOnlyDictionary<string, string> Sources(params string[] directories)
    {
        foreach (var directory in directories)
            _dir.Write($"repo/{directory}/kustomization.yaml", "resources: []\n");
        return new Dictionary<string, string> { ["monorepo"] = _dir.Combine("repo") };
    }

    [Fact]
    public void EachMatchingDirectory_RendersTheArtifacts_NamesLowercased_PathsAsFound()
    {
        var requests = PathPatternExpander.Expand(Spec("@monorepo/apps/{app}/envs/{env}"),
            Sources("apps/Auth/envs/prod", "apps/web/envs/dev", "apps/web/envs/prod", "apps/web/base", "infra/envs/prod"));

        Assert.Equal(["auth-prod", "web-dev", "web-prod"], requests.Select(r => r.Artifact.Name));
        var auth = requests[0];
        Assert.Equal("@monorepo/apps/Auth/envs/prod/**", auth.Artifact.Copy[0].From);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "auth", ["env"] = "prod" }, auth.Labels);
    }

    [Fact]
    public void NoPathPattern_ReturnsTheArtifactsAsWritten()
    {
        var spec = Spec("") with { PathPattern = null, Artifacts = [new OutputArtifact { Name = "apps", Copy = [] }] };
        Assert.Equal(["apps"], PathPatternExpander.Expand(spec, Sources()).Select(r => r.Artifact.Name));
    }

    [Theory]
    [InlineData("@monorepo/apps/{app}/envs/{env}", "{app}", new[] { "apps/Auth/envs/prod", "apps/auth/envs/dev" },
        "pathPattern \"@monorepo/apps/{app}/envs/{env}\": directories \"apps/Auth/envs/prod\" and \"apps/auth/envs/dev\" both resolve to artifact name \"auth\"")]
    [InlineData("@monorepo/apps/{app}", "{app}-{env}", new[] { "apps/web" },
        "pathPattern \"@monorepo/apps/{app}\": failed to render artifact {app}-{env} for match apps/web: invalid template \"{app}-{env}\": capture variable \"env\" is not defined by pathPattern")]
    [InlineData("@monorepo/apps/{app}/{app}", "{app}", new[] { "apps/web/web" },
        "pathPattern \"@monorepo/apps/{app}/{app}\": duplicate capture variable \"app\"")]
    [InlineData("@other/apps/{app}", "{app}", new[] { "apps/web" },
        "pathPattern \"@other/apps/{app}\": source alias other not found in local sources")]
    public void BadPatternsAndCollisions_StallWithSourceWatchersMessage(string pattern, string name, string[] directories, string message)
    {
        var failure = Assert.Throws<ReconcileFailure>(() => PathPatternExpander.Expand(Spec(pattern, name), Sources(directories)));
        Assert.True(failure.Terminal);
        Assert.Equal(ConditionReasons.BuildFailed, failure.Reason);
        Assert.Equal("failed to expand path pattern: " + message, failure.Message);
    }

    [Fact]
    public void DirectoryNameThatIsNoLabelValue_Stalls()
    {
        var failure = Assert.Throws<ReconcileFailure>(() => PathPatternExpander.Expand(Spec("@monorepo/apps/{app}", "{app}"), Sources("apps/.hidden")));
        Assert.StartsWith("failed to expand path pattern: pathPattern \"@monorepo/apps/{app}\": captured value \".hidden\" for variable \"app\" is not a valid Kubernetes label value",
            failure.Message);
    }
}
