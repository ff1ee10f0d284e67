namespace Tide.Engine.Tests.Decryption;

/// <summary>The rows of ../shared/corpus/sops/CASES.tsv and the files they name.</summary>
public static class SopsCorpus
{
    public static string Root { get; } = Path.Combine(TestPaths.Corpus, "sops");

    public sealed record Case(string EncryptedFile, string Format, string KeyKind, string KeyFile, string Expected, string StoredMac)
    {
        public override string ToString() => EncryptedFile;
    }

    public static IReadOnlyList<Case> Cases { get; } = File.ReadAllLines(Path.Combine(Root, "CASES.tsv"))
        .Skip(1)
        .Where(l => l.Length > 0)
        .Select(l => l.Split('\t'))
        .Select(c => new Case(c[0], c[1], c[2], c[3], c[4], c[5]))
        .ToList();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>The key file as a decryption Secret entry: <c>.agekey</c> for age identities, <c>.asc</c> for PGP.</summary>
    public static (string Name, byte[] Content) KeyEntry(string keyFile) =>
        (Path.GetFileNameWithoutExtension(keyFile) + (keyFile.EndsWith(".asc", StringComparison.Ordinal) ? ".asc" : ".agekey"), Bytes(keyFile));
}
