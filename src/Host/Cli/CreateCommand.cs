using System.CommandLine;

using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>
/// `tide create source git|oci|helm NAME ...`, `tide create kustomization|helmrelease NAME ...`: the object flux's
/// create commands generate; `--export` prints it, otherwise it is applied and waited for until Ready.
/// </summary>
public static class CreateCommand
{
    private static readonly Option<bool> Export = new("--export") { Description = "Export in YAML format to stdout.", Recursive = true };

    private static readonly Option<TimeSpan> Interval = new("--interval")
    {
        Description = "Reconciliation interval, e.g. 1m, 10m.",
        DefaultValueFactory = _ => TimeSpan.FromMinutes(1),
        CustomParser = r => GoDuration.TryParse(r.Tokens[0].Value, out var d, out var error) ? d.Value : Fail(r, error),
        Recursive = true,
    };

    private static readonly Option<string[]> Labels = new("--label")
    {
        Description = "Set labels on the resource (key=value, repeatable or comma-separated).",
        Recursive = true,
    };

    public static Command Create()
    {
        var create = ClusterOptions.AddTo(new Command("create", "Create or update sources and resources."));
        create.Options.Add(Export);
        create.Options.Add(Interval);
        create.Options.Add(Labels);
        var source = new Command("source", "Create or update sources.");
        source.Subcommands.Add(GitSource());
        source.Subcommands.Add(OciSource());
        source.Subcommands.Add(HelmSource());
        create.Subcommands.Add(source);
        create.Subcommands.Add(Kustomization());
        create.Subcommands.Add(HelmRelease());
        return create;
    }

    private static Command GitSource()
    {
        var url = new Option<string>("--url") { Description = "Git address, e.g. ssh://git@host/org/repository or https://host/org/repo.", Required = true };
        var branch = new Option<string?>("--branch") { Description = "Git branch." };
        var tag = new Option<string?>("--tag") { Description = "Git tag." };
        var semver = new Option<string?>("--tag-semver") { Description = "Git tag semver range." };
        var commit = new Option<string?>("--commit") { Description = "Git commit SHA." };
        var secretRef = new Option<string?>("--secret-ref") { Description = "The name of an existing Secret with Git credentials." };
        return Generator("git", "Create or update a GitRepository source.", FluxKind.GitRepository, [url, branch, tag, semver, commit, secretRef],
            parse =>
            {
                var reference = new JsonObject();
                Set(reference, "branch", parse.GetValue(branch));
                Set(reference, "tag", parse.GetValue(tag));
                Set(reference, "semver", parse.GetValue(semver));
                Set(reference, "commit", parse.GetValue(commit));
                if (reference.Count == 0)
                    throw new CliException("a Git ref is required, use one of the following: --branch, --tag, --commit or --tag-semver");
                var spec = new JsonObject { ["ref"] = reference, ["url"] = parse.GetValue(url) };
                SetRef(spec, "secretRef", parse.GetValue(secretRef));
                return spec;
            });
    }

    private static Command OciSource()
    {
        var url = new Option<string>("--url") { Description = "OCI repository address, e.g. oci://registry/org/app.", Required = true };
        var tag = new Option<string?>("--tag") { Description = "OCI artifact tag." };
        var semver = new Option<string?>("--tag-semver") { Description = "OCI artifact tag semver range." };
        var digest = new Option<string?>("--digest") { Description = "OCI artifact digest." };
        var secretRef = new Option<string?>("--secret-ref") { Description = "The name of a docker-registry Secret." };
        return Generator("oci", "Create or update an OCIRepository source.", FluxKind.OciRepository, [url, tag, semver, digest, secretRef],
            parse =>
            {
                var reference = new JsonObject();
                Set(reference, "tag", parse.GetValue(tag));
                Set(reference, "semver", parse.GetValue(semver));
                Set(reference, "digest", parse.GetValue(digest));
                if (reference.Count == 0)
                    throw new CliException("one of --tag, --tag-semver or --digest is required");
                var spec = new JsonObject { ["ref"] = reference, ["url"] = parse.GetValue(url) };
                SetRef(spec, "secretRef", parse.GetValue(secretRef));
                return spec;
            });
    }

    private static Command HelmSource()
    {
        var url = new Option<string>("--url") { Description = "Helm repository address (https:// or oci://).", Required = true };
        var secretRef = new Option<string?>("--secret-ref") { Description = "The name of a Secret with repository credentials." };
        return Generator("helm", "Create or update a HelmRepository source.", FluxKind.HelmRepository, [url, secretRef], parse =>
        {
            var spec = new JsonObject { ["url"] = parse.GetValue(url) };
            if (parse.GetValue(url)!.StartsWith("oci://", StringComparison.Ordinal))
                spec["type"] = "oci";
            SetRef(spec, "secretRef", parse.GetValue(secretRef));
            return spec;
        });
    }

    private static Command Kustomization()
    {
        var source = new Option<string>("--source") { Description = "Source kind/name[.namespace]: GitRepository (default), OCIRepository or Bucket.", Required = true };
        var path = new Option<string>("--path") { Description = "Path to the directory containing a kustomization.yaml.", DefaultValueFactory = _ => "./" };
        var prune = new Option<bool>("--prune") { Description = "Enable garbage collection." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the applied objects to become ready." };
        var targetNamespace = new Option<string?>("--target-namespace") { Description = "Overrides the namespace of every object." };
        var dependsOn = new Option<string[]>("--depends-on") { Description = "Kustomizations this one depends on ([namespace/]name)." };
        var serviceAccount = new Option<string?>("--service-account") { Description = "The ServiceAccount to impersonate." };
        var command = Generator("kustomization", "Create or update a Kustomization.", FluxKind.Kustomization,
            [source, path, prune, wait, targetNamespace, dependsOn, serviceAccount], parse =>
            {
                var spec = new JsonObject
                {
                    ["path"] = parse.GetValue(path),
                    ["prune"] = parse.GetValue(prune),
                    ["sourceRef"] = SourceRef(parse.GetValue(source)!, "GitRepository", FluxKind.Sources.Take(3)),
                };
                if (parse.GetValue(wait))
                    spec["wait"] = true;
                Set(spec, "targetNamespace", parse.GetValue(targetNamespace));
                Set(spec, "serviceAccountName", parse.GetValue(serviceAccount));
                SetDependsOn(spec, parse.GetValue(dependsOn));
                return spec;
            });
        command.Aliases.Add("ks");
        return command;
    }

    private static Command HelmRelease()
    {
        var source = new Option<string>("--source") { Description = "The chart's source kind/name[.namespace]: HelmRepository, GitRepository or Bucket.", Required = true };
        var chart = new Option<string>("--chart") { Description = "Helm chart name or path.", Required = true };
        var chartVersion = new Option<string?>("--chart-version") { Description = "Helm chart version (semver range accepted)." };
        var targetNamespace = new Option<string?>("--target-namespace") { Description = "Namespace to install this release into." };
        var releaseName = new Option<string?>("--release-name") { Description = "Name of the Helm release (default: target-namespace-name)." };
        var dependsOn = new Option<string[]>("--depends-on") { Description = "HelmReleases this one depends on ([namespace/]name)." };
        var serviceAccount = new Option<string?>("--service-account") { Description = "The ServiceAccount to impersonate." };
        var values = new Option<FileInfo[]>("--values") { Description = "Local path to values.yaml files (repeatable)." };
        var command = Generator("helmrelease", "Create or update a HelmRelease.", FluxKind.HelmRelease,
            [source, chart, chartVersion, targetNamespace, releaseName, dependsOn, serviceAccount, values], parse =>
            {
                var chartSpec = new JsonObject
                {
                    ["chart"] = parse.GetValue(chart),
                    ["reconcileStrategy"] = "ChartVersion",
                    ["sourceRef"] = SourceRef(parse.GetValue(source)!, null, [FluxKind.HelmRepository, FluxKind.GitRepository, FluxKind.Bucket]),
                };
                Set(chartSpec, "version", parse.GetValue(chartVersion));
                var spec = new JsonObject { ["chart"] = new JsonObject { ["spec"] = chartSpec } };
                Set(spec, "releaseName", parse.GetValue(releaseName));
                Set(spec, "targetNamespace", parse.GetValue(targetNamespace));
                Set(spec, "serviceAccountName", parse.GetValue(serviceAccount));
                SetDependsOn(spec, parse.GetValue(dependsOn));
                var merged = new JsonObject();
                foreach (var file in parse.GetValue(values) ?? [])
                {
                    if (!file.Exists)
                        throw new CliException($"values file '{file.FullName}' not found");
                    if (Engine.Yaml.YamlJson.Parse(File.ReadAllText(file.FullName)) is JsonObject document)
                        foreach (var (key, value) in document)
                            merged[key] = value?.DeepClone();
                }
                if (merged.Count > 0)
                    spec["values"] = merged;
                return spec;
            });
        command.Aliases.Add("hr");
        return command;
    }

    /// <summary>A create subcommand: NAME, the kind's own options, and the shared generate-then-export-or-apply.</summary>
    private static Command Generator(string name, string description, FluxKind kind, IEnumerable<Option> options,
        Func<ParseResult, JsonObject> spec)
    {
        var command = new Command(name, description);
        var objectName = new Argument<string>("NAME") { Description = "The object's name." };
        command.Arguments.Add(objectName);
        foreach (var option in options)
            command.Options.Add(option);
        CliAction.Set(command, async (parse, ct) =>
        {
            var ns = parse.GetValue(ClusterOptions.Namespace)!;
            var body = spec(parse);
            body["interval"] = new GoDuration(parse.GetValue(Interval)).ToString();
            var metadata = new JsonObject { ["name"] = parse.GetValue(objectName), ["namespace"] = ns };
            if (LabelsOf(parse.GetValue(Labels)) is { Count: > 0 } labels)
                metadata["labels"] = labels;
            var obj = new JsonObject { ["apiVersion"] = kind.ApiVersion, ["kind"] = kind.Kind, ["metadata"] = metadata, ["spec"] = body };
            var human = kind.IsSource ? $"{kind.Kind} source" : kind.Kind;
            if (parse.GetValue(Export))
            {
                CliConsole.Write(FluxYaml.Export(obj));
                return 0;
            }
            using var kube = ClusterOptions.Connect(parse);
            CliConsole.Generate($"generating {human}");
            CliConsole.Action($"applying {human}");
            var existed = await kube.GetAsync(ObjectRef.Of(obj), ct) is not null;
            await kube.ApplyAsync(obj, new ApplyOptions { FieldManager = "tide-cli" }, ct);
            CliConsole.Success($"{human} {(existed ? "updated" : "created")}");
            var done = await CliConsole.WaitAsync($"waiting for {human} reconciliation",
                () => FluxObjects.WaitReadyAsync(kube, kind, ns, parse.GetValue(objectName)!, parse.GetValue(ClusterOptions.Timeout), null, ct));
            CliConsole.Success($"{human} reconciliation completed");
            CliConsole.Success($"{kind.RevisionVerb}: {kind.Revision(done)}");
            return 0;
        });
        return command;
    }

    /// <summary>`Kind/name[.namespace]`, or a bare name of the default kind.</summary>
    private static JsonObject SourceRef(string text, string? defaultKind, IEnumerable<FluxKind> allowed)
    {
        var slash = text.IndexOf('/');
        var kindName = slash < 0 ? defaultKind : text[..slash];
        var rest = slash < 0 ? text : text[(slash + 1)..];
        var kind = kindName is null ? null : allowed.FirstOrDefault(k => string.Equals(k.Kind, kindName, StringComparison.OrdinalIgnoreCase));
        if (kind is null || rest.Length == 0)
            throw new CliException($"invalid --source '{text}': expected <kind>/<name>[.<namespace>] with kind one of {string.Join(", ", allowed.Select(k => k.Kind))}");
        var dot = rest.IndexOf('.');
        var reference = new JsonObject { ["kind"] = kind.Kind, ["name"] = dot < 0 ? rest : rest[..dot] };
        if (dot >= 0)
            reference["namespace"] = rest[(dot + 1)..];
        return reference;
    }

    private static void SetDependsOn(JsonObject spec, string[]? dependsOn)
    {
        if (dependsOn is not { Length: > 0 })
            return;
        spec["dependsOn"] = new JsonArray(dependsOn.SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(d =>
        {
            var slash = d.IndexOf('/');
            var reference = new JsonObject { ["name"] = slash < 0 ? d : d[(slash + 1)..] };
            if (slash >= 0)
                reference["namespace"] = d[..slash];
            return (JsonNode)reference;
        }).ToArray());
    }

    private static JsonObject LabelsOf(string[]? labels)
    {
        var result = new JsonObject();
        foreach (var label in (labels ?? []).SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = label.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0)
                throw new CliException($"invalid --label '{label}': expected key=value");
            result[parts[0]] = parts[1];
        }
        return result;
    }

    private static void Set(JsonObject obj, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            obj[key] = value;
    }

    private static void SetRef(JsonObject obj, string key, string? name)
    {
        if (!string.IsNullOrEmpty(name))
            obj[key] = new JsonObject { ["name"] = name };
    }

    private static TimeSpan Fail(System.CommandLine.Parsing.ArgumentResult result, string error)
    {
        result.AddError(error);
        return TimeSpan.Zero;
    }
}
