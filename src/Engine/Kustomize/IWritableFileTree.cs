namespace Tide.Engine.Kustomize;

/// <summary>A build's working copy: Flux's overlay rewrites the kustomization file and decryption rewrites inputs.</summary>
public interface IWritableFileTree : IFileTree
{
    /// <summary>Creates or replaces a file; its directory must exist.</summary>
    void WriteAllBytes(string path, byte[] content);

    void DeleteFile(string path);
}
