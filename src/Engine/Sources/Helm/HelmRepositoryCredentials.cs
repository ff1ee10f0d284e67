namespace Tide.Engine.Sources.Helm;

/// <summary>Basic-auth credentials of a chart repository (secretRef username/password); PassCredentials sends them
/// to other hosts too (charts the index links elsewhere).</summary>
public sealed record HelmRepositoryCredentials(string Username, string Password, bool PassCredentials)
{
    public override string ToString() => $"HelmRepositoryCredentials({Username}, ***)";
}
