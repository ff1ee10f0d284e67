namespace Tide.Engine.Decryption;

/// <summary>The SOPS stores.</summary>
public enum SopsFormat
{
    Binary,
    Dotenv,
    Ini,
    Json,
    Yaml,
}
