using Tide.Engine.Api;
using Tide.Engine.Sources.Oci;
using static Tide.Engine.Reconcilers.SourceReconcileSteps;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// spec.verify of an OCIRepository or of an OCI HelmChart, with what Tide can check: provider cosign with the public
/// keys (every '*.pub') of spec.verify.secretRef. Keyless verification (Fulcio/Rekor) and notation are refused with
/// a terminal VerificationError that names them, rather than passing an unverified artifact.
/// </summary>
internal static class CosignKeyVerification
{
    public const string Provider = "cosign";

    /// <exception cref="ReconcileFailure">VerificationError: an unsupported provider or keyless verification
    /// (terminal), a missing Secret, or a key that does not parse.</exception>
    public static CosignVerifier Create(OciRepositoryVerification verify, k8s.Models.V1ObjectMeta metadata, IReadOnlyDictionary<string, byte[]>? keys)
    {
        if (verify.Provider != Provider)
            throw new ReconcileFailure(ConditionReasons.VerificationError,
                $"failed to verify the signature using provider '{verify.Provider}': provider '{verify.Provider}' is not supported by Tide",
                terminal: true);
        if (verify.SecretRef is null)
            throw new ReconcileFailure(ConditionReasons.VerificationError,
                $"failed to verify the signature using provider '{Provider} keyless': keyless verification is not supported by Tide; " +
                "set spec.verify.secretRef to a Secret holding the cosign public keys ('*.pub')",
                terminal: true);
        if (keys is null)
            throw Failed(SecretNotFound(metadata, verify.SecretRef));
        try
        {
            return new CosignVerifier(keys.Where(k => k.Key.EndsWith(".pub", StringComparison.Ordinal)).Select(k => (k.Key, k.Value)));
        }
        catch (FormatException e)
        {
            throw Failed(e.Message, e);
        }
    }

    public static ReconcileFailure Failed(string message, Exception? inner = null) =>
        new(ConditionReasons.VerificationError, $"failed to verify the signature using provider '{Provider}': {message}", inner: inner);
}
