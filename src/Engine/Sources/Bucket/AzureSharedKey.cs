namespace Tide.Engine.Sources.Bucket;

/// <summary>A storage account's name and one of its access keys (base64, as the portal shows it): what Shared Key
/// authorization signs with.</summary>
public sealed record AzureSharedKey(string AccountName, byte[] Key)
{
    /// <summary>The pair, or null when the key is not base64.</summary>
    public static AzureSharedKey? Create(string accountName, string base64Key)
    {
        var buffer = new byte[base64Key.Length];
        return Convert.TryFromBase64String(base64Key.Trim(), buffer, out var length)
            ? new AzureSharedKey(accountName, buffer[..length])
            : null;
    }
}
