using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.HelmReleases;

/// <summary>
/// Helm's Secrets storage driver: release N of NAME is the Secret "sh.helm.release.v1.NAME.vN" of type
/// helm.sh/release.v1 in the storage namespace, labelled name, owner=helm, status, version and modifiedAt, its
/// data.release the encoded release (<see cref="ReleaseCodec"/>). What Tide writes, helm reads, and the other way round.
/// </summary>
public sealed class ReleaseStorage(KubeClient kube, string @namespace, TimeProvider time)
{
    public const string SecretType = "helm.sh/release.v1";

    public static string SecretName(string release, int version) => $"sh.helm.release.v1.{release}.v{version}";

    /// <summary>Every stored revision of the release, oldest first.</summary>
    public async Task<IReadOnlyList<Release>> HistoryAsync(string name, CancellationToken ct)
    {
        var list = await kube.ListAsync("v1", "Secret", @namespace, $"owner=helm,name={name}", ct);
        var releases = new List<Release>();
        foreach (var secret in list.Items)
        {
            if ((string?)secret["type"] != SecretType || secret["data"]?["release"]?.GetValue<string>() is not { } data)
                continue;
            releases.Add(ReleaseCodec.Decode(Encoding.UTF8.GetString(Convert.FromBase64String(data))));
        }
        return releases.OrderBy(r => r.Version).ToList();
    }

    public async Task CreateAsync(Release release, CancellationToken ct) =>
        await kube.CreateAsync(Secret(release), ct);

    /// <summary>Writes a stored revision again (a new status), replacing its content and labels.</summary>
    public async Task UpdateAsync(Release release, CancellationToken ct)
    {
        var secret = Secret(release);
        await kube.PatchAsync(ObjectRef.Of(secret), new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = secret["metadata"]!["labels"]!.DeepClone() },
            ["data"] = secret["data"]!.DeepClone(),
        }, ct);
    }

    public Task<bool> DeleteAsync(Release release, CancellationToken ct) =>
        kube.DeleteAsync(new ObjectRef("v1", "Secret", @namespace, SecretName(release.Name, release.Version)), "Background", ct);

    private JsonObject Secret(Release release) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject
        {
            ["name"] = SecretName(release.Name, release.Version),
            ["namespace"] = @namespace,
            ["labels"] = new JsonObject
            {
                ["modifiedAt"] = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                ["name"] = release.Name,
                ["owner"] = "helm",
                ["status"] = release.Info.Status,
                ["version"] = release.Version.ToString(CultureInfo.InvariantCulture),
            },
        },
        ["type"] = SecretType,
        ["data"] = new JsonObject { ["release"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ReleaseCodec.Encode(release))) },
    };
}
