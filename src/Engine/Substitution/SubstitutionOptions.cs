using Tide.Engine.Api;

namespace Tide.Engine.Substitution;

/// <summary>How post-build substitution runs.</summary>
public sealed record SubstitutionOptions
{
    /// <summary>
    /// An undefined variable without a default is an error. Flux's StrictPostBuildSubstitutions feature gate, on by
    /// default; off, undefined variables expand to "".
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>Substitute even when no variable is defined (<c>substituteStrategy: Always</c>), so defaults apply.</summary>
    public bool Always { get; init; }

    /// <summary>The options a Kustomization's postBuild asks for, under the controller-wide strict setting.</summary>
    public static SubstitutionOptions For(PostBuild postBuild, bool strict = true) => new()
    {
        Strict = strict,
        Always = postBuild.SubstituteStrategy == "Always",
    };
}
