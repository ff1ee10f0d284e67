namespace Tide.Engine.Helm.Rendering;

/// <summary>The inputs of `helm template RELEASE CHART`, named after its flags.</summary>
public sealed record HelmTemplateOptions(string ReleaseName, string ChartPath)
{
    public string Namespace { get; init; } = "default";

    /// <summary>-f files, in order (later ones win); "-" reads <see cref="Stdin"/>.</summary>
    public IReadOnlyList<string> ValuesFiles { get; init; } = [];

    /// <summary>--set-json (a JSON object, or key=JSON pairs), applied after the values files.</summary>
    public IReadOnlyList<string> JsonValues { get; init; } = [];

    /// <summary>--set expressions, applied after --set-json.</summary>
    public IReadOnlyList<string> SetValues { get; init; } = [];

    /// <summary>--set-string expressions, applied after --set.</summary>
    public IReadOnlyList<string> StringValues { get; init; } = [];

    /// <summary>--set-file key=path pairs, applied after --set-string; "-" reads <see cref="Stdin"/>.</summary>
    public IReadOnlyList<string> FileValues { get; init; } = [];

    /// <summary>--set-literal key=value, applied last; the value is taken verbatim.</summary>
    public IReadOnlyList<string> LiteralValues { get; init; } = [];

    /// <summary>Reads what "-" stands for in -f and --set-file (standard input, read when first needed).</summary>
    public Func<string>? Stdin { get; init; }

    public bool SkipTests { get; init; }
    public bool IncludeCrds { get; init; }

    /// <summary>--no-hooks: hooks are not printed.</summary>
    public bool NoHooks { get; init; }

    /// <summary>--is-upgrade: .Release.IsUpgrade instead of .Release.IsInstall.</summary>
    public bool IsUpgrade { get; init; }

    public string KubeVersion { get; init; } = "v1.35.0";

    /// <summary>--show-only: only the documents rendered from templates matching these paths (relative to the
    /// chart, e.g. templates/deployment.yaml; globs as filepath.Match).</summary>
    public IReadOnlyList<string> ShowOnly { get; init; } = [];

    /// <summary>--release-name: --output-dir writes under a directory named after the release.</summary>
    public bool UseReleaseName { get; init; }

    /// <summary>--skip-schema-validation: values.schema.json files are not checked.</summary>
    public bool SkipSchemaValidation { get; init; }

    /// <summary>Receives the lines helm logs to stderr while rendering (e.g. `level=WARN msg="this chart is
    /// deprecated"`).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>--api-versions: added to .Capabilities.APIVersions.</summary>
    public IReadOnlyList<string> ApiVersions { get; init; } = [];
}
