using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>`tide helm template` against `helm template` (v4.1.4), both run as processes with the same arguments
/// on a small chart: stdout, stderr and exit code must be the same for every flag helm template takes without a
/// cluster.</summary>
public sealed class HelmTemplateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("tide-helm-cli-");

    public HelmTemplateCommandTests()
    {
        _dir.Write("c/Chart.yaml", "apiVersion: v2\nname: flags\nversion: 0.1.0\nkubeVersion: \">=1.20.0-0\"\n");
        _dir.Write("c/values.yaml", "replicas: 1\n");
        _dir.Write("c/crds/crd.yaml", "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.org\n");
        _dir.Write("c/templates/cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}
              namespace: {{ .Release.Namespace }}
            data:
              values: {{ toJson .Values | quote }}
              upgrade: {{ .Release.IsUpgrade | quote }}
              install: {{ .Release.IsInstall | quote }}
              kube: {{ .Capabilities.KubeVersion.Version }}-{{ .Capabilities.KubeVersion.Major }}-{{ .Capabilities.KubeVersion.Minor }}-{{ .Capabilities.KubeVersion }}
              monitoring: {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" | quote }}
              extra: {{ has "example.org/v1/Widget" .Capabilities.APIVersions | quote }}
              apis: {{ len .Capabilities.APIVersions | quote }}
            """);
        _dir.Write("c/templates/hooks.yaml", """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: pre
              annotations:
                helm.sh/hook: pre-install
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: test
              annotations:
                helm.sh/hook: test
            """);
        _dir.Write("c/templates/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n");
        _dir.Write("file.txt", "from a file\n");
        _dir.Write("v1.yaml", "replicas: 5\nfrom: v1\n");
        _dir.Write("v2.yaml", "from: v2\nlist: [a, b]\n");
        _dir.Write("notachart.tgz", "plain text\n");
        _dir.Write("old/Chart.yaml", "apiVersion: v2\nname: old\nversion: 0.1.0\ndeprecated: true\n");
        _dir.Write("old/templates/t.yaml", "v: {{ required \"v is required\" .Values.v }}\n");
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string[]> Invocations() => new()
    {
        { ["r", "c"] },
        { ["c"] },
        { ["r", "c", "-a", "monitoring.coreos.com/v1", "--api-versions", "example.org/v1/Widget,x/v1"] },
        { ["r", "c", "--kube-version", "1.30"] },
        { ["r", "c", "--kube-version", "v1.31.2-gke.100"] },
        { ["r", "c", "--kube-version", "v1.19.0"] },
        { ["r", "c", "--kube-version", "bogus"] },
        { ["r", "c", "--set", "a=1,b.c=true,l={x,y}", "--set", "n=null,i[1]=z"] },
        { ["r", "c", "--set-string", "s=1,t=true"] },
        { ["r", "c", "--set-file", "f=file.txt"] },
        { ["r", "c", "--set-json", "j={\"x\":[1,2.5]}", "--set-json", "{\"k\":true}"] },
        { ["r", "c", "--set-literal", "l=a,b\\c={d}"] },
        { ["r", "c", "--set", "a=1", "--set-string", "a=2", "--set-json", "a=3", "-f", "v1.yaml"] },
        { ["r", "c", "-f", "v1.yaml,v2.yaml", "--values", "v1.yaml"] },
        { ["r", "c", "-s", "templates/svc.yaml", "--show-only", "templates/h*.yaml"] },
        { ["r", "c", "-s", "templates/nope.yaml"] },
        { ["r", "c", "--no-hooks", "--include-crds"] },
        { ["r", "c", "--skip-tests", "--skip-crds"] },
        { ["r", "c", "--is-upgrade", "-n", "other", "--description", "d", "--labels", "a=b,c=d"] },
        { ["c", "--name-template", "{{ \"web\" | upper | lower }}-1"] },
        { ["c", "--name-template", "{{ \"X\" }}"] },
        { ["r", "c", "--name-template", "x"] },
        { ["r", "c", "--generate-name"] },
        { ["c", "-g"] },
        { ["r", "c", "--dependency-update", "--skip-schema-validation"] },
        { [] },
        { ["a", "b", "c"] },
        { ["r", "missing-dir"] },
        { ["r", "./missing-dir"] },
        { ["r", "v1.yaml"] },
        { ["r", "notachart.tgz"] },
        { ["r", "c", "--set", "a"] },
        { ["r", "c", "--set-json", "a={"] },
        { ["r", "c", "-f", "missing.yaml"] },
        { ["r", "c", "--set-file", "f=missing.txt"] },
        { ["r", "c", "--labels", "bad"] },
        { ["r", "c", "--labels", "owner=me"] },
        { ["Bad_Name", "c"] },
        { ["r", "old"] },
    };

    [Theory]
    [MemberData(nameof(Invocations))]
    public async Task HelmTemplate_Flags_SameOutputAndExitCodeAsHelm(string[] args)
    {
        var helm = await ProcessRunner.RunAsync(Helm.Path, ["template", .. args], workingDirectory: _dir.Path);
        var tide = await RunTideAsync(args);
        Assert.Equal((helm.ExitCode, helm.Stdout, Absolute(helm.Stderr)), (tide.ExitCode, tide.Stdout, Absolute(tide.Stderr)));
    }

    [Theory]
    [InlineData("-f", "-")]
    [InlineData("--set-file", "fromStdin=-")]
    public async Task HelmTemplate_ValuesFromStdin_SameOutputAsHelm(string flag, string value)
    {
        const string stdin = "fromStdin: yes\nreplicas: 9\n";
        var helm = await ProcessRunner.RunAsync(Helm.Path, ["template", "r", "c", flag, value], workingDirectory: _dir.Path, stdin: stdin);
        var tide = await RunTideAsync(["r", "c", flag, value], stdin);
        Assert.Equal(0, helm.ExitCode);
        Assert.Equal((helm.ExitCode, helm.Stdout), (tide.ExitCode, tide.Stdout));
    }

    [Fact]
    public async Task HelmTemplate_OutputDir_WritesTheFilesHelmWrites()
    {
        var helm = await ProcessRunner.RunAsync(Helm.Path, ["template", "r", "c", "--output-dir", "out-helm", "--include-crds", "--release-name"], workingDirectory: _dir.Path);
        var tide = await RunTideAsync(["r", "c", "--output-dir", "out-tide", "--include-crds", "--release-name"]);
        Assert.Equal(0, helm.ExitCode);
        Assert.Equal(helm.Stdout.Replace("out-helm", "out", StringComparison.Ordinal), tide.Stdout.Replace("out-tide", "out", StringComparison.Ordinal));
        var helmFiles = Files(_dir.Combine("out-helm"));
        Assert.NotEmpty(helmFiles);
        Assert.Equal(helmFiles, Files(_dir.Combine("out-tide")));
    }

    private static SortedDictionary<string, string> Files(string root) =>
        new(Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText), StringComparer.Ordinal);

    // helm names a missing or bad chart by its absolute path; the working directory differs between runs of
    // the suite, never between the two tools.
    private string Absolute(string stderr) => stderr.Replace(_dir.Path, "<dir>", StringComparison.Ordinal);

    private Task<ProcessRunner.Result> RunTideAsync(string[] args, string? stdin = null) =>
        ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "tide.dll"), "helm", "template", .. args],
            workingDirectory: _dir.Path, stdin: stdin);
}
