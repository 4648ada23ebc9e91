using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// A local OpenID Connect provider speaking the protocol's authorization-code flow: discovery
/// document, JWKS (an RSA key made per instance), /authorize (signs in <see cref="User"/> at once and
/// answers with form_post or a query redirect, as asked), /token (checks client secret, redirect URI
/// and the PKCE verifier, returns an RS256 ID token with the nonce and the user's claims).
/// </summary>
public sealed class FakeOidcProvider : IAsyncDisposable
{
    public const string ClientId = "dolmapper-test";
    public const string ClientSecret = "test-secret";

    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string RedirectUri, string? Nonce, string? Challenge, Dictionary<string, object> Claims)> _codes = new();

    /// <summary>The claims of whoever signs in next: sub, email, name and roles, as the test sets them.</summary>
    public Dictionary<string, object> User { get; set; } = [];

    public int TokenRequests;

    private FakeOidcProvider(WebApplication app) => _app = app;

    public Uri Authority { get; private set; } = null!;

    public static async Task<FakeOidcProvider> StartAsync()
    {
        var app = LocalServer.Create();
        var provider = new FakeOidcProvider(app);
        provider.Map();
        await app.StartAsync();
        provider.Authority = new Uri(app.Urls.Single().TrimEnd('/'));
        return provider;
    }

    private string Issuer => Authority.ToString().TrimEnd('/');

    private RsaSecurityKey Key => new(_rsa) { KeyId = "test-key" };

    private void Map()
    {
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = $"{Issuer}/authorize",
            ["token_endpoint"] = $"{Issuer}/token",
            ["jwks_uri"] = $"{Issuer}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "form_post", "query" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["scopes_supported"] = new[] { "openid", "profile", "email" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var parameters = _rsa.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = "test-key", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
                },
            });
        });
        _app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || string.IsNullOrEmpty(q["redirect_uri"]))
            {
                return Results.BadRequest("bad authorization request");
            }
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = (q["redirect_uri"]!, q["nonce"], q["code_challenge"], new Dictionary<string, object>(User));
            var state = q["state"].ToString();
            if (q["response_mode"] == "form_post")
            {
                var html = $"""
                    <html><body><form method="post" action="{WebUtility.HtmlEncode(q["redirect_uri"])}">
                    <input type="hidden" name="code" value="{code}" /><input type="hidden" name="state" value="{WebUtility.HtmlEncode(state)}" />
                    </form></body></html>
                    """;
                return Results.Content(html, "text/html");
            }
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(state)}");
        });
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref TokenRequests);
            var form = await request.ReadFormAsync();
            var (clientId, secret) = (form["client_id"].ToString(), form["client_secret"].ToString());
            if (request.Headers.Authorization.ToString() is { Length: > 6 } basic && basic.StartsWith("Basic ", StringComparison.Ordinal))
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2);
                (clientId, secret) = (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
            }
            if (clientId != ClientId || secret != ClientSecret)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }
            if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"])
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            if (grant.Challenge is not null)
            {
                var verifier = form["code_verifier"].ToString();
                var computed = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                if (computed != grant.Challenge)
                {
                    return Results.Json(new { error = "invalid_grant", error_description = "PKCE" }, statusCode: 400);
                }
            }
            var claims = new Dictionary<string, object>(grant.Claims);
            if (grant.Nonce is not null)
            {
                claims["nonce"] = grant.Nonce;
            }
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = ClientId,
                IssuedAt = DateTime.UtcNow,
                NotBefore = DateTime.UtcNow.AddSeconds(-5),
                Expires = DateTime.UtcNow.AddMinutes(5),
                Claims = claims,
                SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { access_token = "opaque-" + Guid.NewGuid(), token_type = "Bearer", expires_in = 300, id_token = token });
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
