using System.Text;

namespace Tide.ApiServer.Http;

/// <summary>The opaque `continue` of a paged list: the key of the last item returned.</summary>
internal static class ContinueToken
{
    public static string Encode(string lastKey) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey));

    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("continue key is not valid");
        }
    }
}
