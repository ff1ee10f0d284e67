using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Testing;

/// <summary>
/// A registry token service (the Docker token authentication protocol) on a free loopback port: for a request with
/// the right basic credentials it issues an RS256 JWT granting the requested repository scope, signed by a
/// self-signed certificate that the registry trusts (<see cref="CertificateBundlePem"/>) and names in the x5c header.
/// </summary>
public sealed class OciTokenServer : IAsyncDisposable
{
    public const string Issuer = "tide-test-issuer";
    public const string Service = "tide-test-registry";

    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly (string Username, string Password) _user;
    private readonly Task _serving;
    private int _tokensIssued;

    private OciTokenServer((string Username, string Password) user)
    {
        _user = user;
        var request = new CertificateRequest("CN=tide-test-token-issuer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The realm the registry sends clients to.</summary>
    public string Realm => $"http://127.0.0.1:{Port}/token";

    public string CertificateBundlePem => _certificate.ExportCertificatePem();

    /// <summary>How many tokens were handed out, so tests can tell the Bearer flow was used.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    public static OciTokenServer Start((string Username, string Password) user) => new(user);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var response = context.Response;
            if (!Authorized(context.Request.Headers["Authorization"]))
            {
                response.StatusCode = 401;
                continue;
            }
            var token = Token(context.Request.QueryString["scope"]);
            Interlocked.Increment(ref _tokensIssued);
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["token"] = token, ["access_token"] = token }.ToJsonString());
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(body);
        }
    }

    private bool Authorized(string? header) =>
        header is not null && header.StartsWith("Basic ", StringComparison.Ordinal) &&
        Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..])) == $"{_user.Username}:{_user.Password}";

    /// <summary>A JWT granting the scope "repository:&lt;name&gt;:&lt;actions&gt;".</summary>
    private string Token(string? scope)
    {
        var access = new JsonArray();
        if (scope?.Split(':') is ["repository", var name, var actions])
            access.Add(new JsonObject
            {
                ["type"] = "repository",
                ["name"] = name,
                ["actions"] = new JsonArray(actions.Split(',').Select(a => (JsonNode)a).ToArray()),
            });
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "RS256",
            ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)),
        };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = _user.Username,
            ["aud"] = Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signed = $"{Base64Url(header.ToJsonString())}.{Base64Url(claims.ToJsonString())}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url(signature)}";
    }

    private static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop first unbinds the port, and Close would then bind it again just to remove it, failing
        // with "Address already in use" when another test's server took the port meanwhile.
        _listener.Close();
        await _serving;
        _certificate.Dispose();
        _key.Dispose();
    }
}
