using System.Net;
using System.Text.RegularExpressions;

namespace DolMapper.Web.Tests.Features;

/// <summary>OpenID Connect sign-in against a local identity provider: roles mapped from claims, set at every sign-in.</summary>
public sealed partial class SingleSignOnTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static Dictionary<string, string?> Settings(FakeOidcProvider provider) => new()
    {
        ["DolMapper:Sso:Enabled"] = "true",
        ["DolMapper:Sso:Authority"] = provider.Authority.ToString(),
        ["DolMapper:Sso:ClientId"] = FakeOidcProvider.ClientId,
        ["DolMapper:Sso:ClientSecret"] = FakeOidcProvider.ClientSecret,
        ["DolMapper:Sso:DisplayName"] = "Sign in with Contoso ID",
        ["DolMapper:Sso:RequireHttpsMetadata"] = "false",
        ["DolMapper:Sso:RoleClaim"] = "groups",
        ["DolMapper:Sso:RoleMap:dm-admins"] = "Admin",
        ["DolMapper:Sso:RoleMap:dm-analysts"] = "Analyst",
        ["DolMapper:Sso:RoleMap:dm-brand"] = "BrandManager",
    };

    /// <summary>The whole round trip as a browser makes it: challenge, the provider's form_post, the callback.</summary>
    private static async Task<(HttpClient Client, HttpResponseMessage Final)> SignInAsync(TestApp app, FakeOidcProvider provider)
    {
        var client = app.CreateClient();
        var challenge = await client.GetAsync("/Account/ExternalLogin?returnUrl=%2FRankings");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(provider.Authority + "authorize", authorize.ToString());
        Assert.Contains("code_challenge=", authorize.Query);
        using var browserAtProvider = new HttpClient();
        var form = await browserAtProvider.GetStringAsync(authorize);
        var action = WebUtility.HtmlDecode(FormAction().Match(form).Groups[1].Value);
        var fields = HiddenField().Matches(form).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        var callback = await client.PostAsync(new Uri(action).PathAndQuery, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var final = await client.GetAsync(callback.Headers.Location!.OriginalString);
        return (client, final);
    }

    [Fact]
    public async Task A_provider_user_signs_in_with_the_role_their_claims_map_to_and_the_role_follows_the_claims()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection, Settings(provider));
        Assert.Contains("Sign in with Contoso ID", await app.CreateClient().GetStringAsync("/Account/Login"));

        provider.User = new() { ["sub"] = "u-123", ["email"] = "ada@contoso.example", ["name"] = "Ada Analyst", ["groups"] = new[] { "everyone", "dm-analysts" } };
        var (analyst, landed) = await SignInAsync(app, provider);
        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.Equal("/Rankings", landed.Headers.Location!.OriginalString);
        Assert.Equal(1, provider.TokenRequests);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/Import")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/Admin/Users")).StatusCode);
        Assert.Equal("Ada Analyst|Analyst", await Sql.ScalarAsync(connection, """
            SELECT u.display_name || '|' || r.name FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE u.email = 'ada@contoso.example'
            """));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM user_logins WHERE provider_key = 'u-123'"));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'user.sso_created'"));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'auth.signed_in' AND details ->> 'method' = 'sso' AND user_name = 'ada@contoso.example'"));

        // Moved to the admins' group at the provider: the next sign-in makes them admin.
        provider.User = new() { ["sub"] = "u-123", ["email"] = "ada@contoso.example", ["name"] = "Ada Analyst", ["groups"] = new[] { "dm-admins", "dm-analysts" } };
        var (admin, _) = await SignInAsync(app, provider);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/Admin/Users")).StatusCode);
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM users WHERE email = 'ada@contoso.example'"));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'user.role_changed' AND user_name = 'sso:oidc'"));
    }

    [Fact]
    public async Task A_provider_user_whose_claims_map_to_no_role_is_refused_with_a_message()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection, Settings(provider));
        provider.User = new() { ["sub"] = "u-9", ["email"] = "eve@contoso.example", ["groups"] = new[] { "finance" } };
        var (client, landed) = await SignInAsync(app, provider);
        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.StartsWith("/Account/Login", landed.Headers.Location!.OriginalString);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(landed.Headers.Location!.OriginalString));
        Assert.Contains("eve@contoso.example has no DolMapper role", page);
        Assert.Contains("finance", page);
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM users WHERE email = 'eve@contoso.example'"));
        // The refusal is audited without the address of someone who is no user.
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND details ->> 'method' = 'sso' AND user_name IS NULL"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE details::text LIKE '%eve@%'"));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Rankings")).StatusCode);
    }

    [Fact]
    public async Task A_provider_account_cannot_take_over_a_local_account_and_links_only_to_an_invited_user_by_a_verified_address()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection, Settings(provider));
        var admin = TestApp.Demo(DolMapper.Web.Infrastructure.Auth.Roles.Admin);

        // The demo admin has a password. A provider account naming that address, verified or not,
        // or only as preferred_username or upn, is refused and gets no session.
        foreach (var claims in new Dictionary<string, object>[]
        {
            new() { ["sub"] = "evil-1", ["email"] = admin.Email, ["email_verified"] = true, ["groups"] = new[] { "dm-admins" } },
            new() { ["sub"] = "evil-2", ["email"] = admin.Email, ["groups"] = new[] { "dm-admins" } },
            new() { ["sub"] = "evil-3", ["preferred_username"] = admin.Email, ["groups"] = new[] { "dm-admins" } },
            new() { ["sub"] = "evil-4", ["upn"] = admin.Email, ["groups"] = new[] { "dm-admins" } },
        })
        {
            provider.User = claims;
            var (client, landed) = await SignInAsync(app, provider);
            Assert.StartsWith("/Account/Login", landed.Headers.Location!.OriginalString);
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Admin/Users")).StatusCode);
        }
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM user_logins"));
        Assert.Equal(1, await Sql.CountAsync(connection, $"SELECT count(*) FROM users WHERE email = '{admin.Email}'"));

        // An invited user (no password yet) is linked by a verified address only.
        await Sql.ExecuteAsync(connection, """
            INSERT INTO users (id, user_name, normalized_user_name, email, normalized_email, email_confirmed, security_stamp, concurrency_stamp,
                phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count, created_at)
            VALUES ('invited-1', 'bob@contoso.example', 'BOB@CONTOSO.EXAMPLE', 'bob@contoso.example', 'BOB@CONTOSO.EXAMPLE', true, 's', 'c',
                false, false, true, 0, now())
            """);
        provider.User = new() { ["sub"] = "bob-1", ["email"] = "bob@contoso.example", ["groups"] = new[] { "dm-analysts" } };
        var (_, unverified) = await SignInAsync(app, provider);
        Assert.StartsWith("/Account/Login", unverified.Headers.Location!.OriginalString);
        provider.User = new() { ["sub"] = "bob-1", ["email"] = "bob@contoso.example", ["email_verified"] = true, ["groups"] = new[] { "dm-analysts" } };
        var (bob, linked) = await SignInAsync(app, provider);
        Assert.Equal("/Rankings", linked.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/Import")).StatusCode);
        Assert.Equal("invited-1", await Sql.ScalarAsync(connection, "SELECT user_id FROM user_logins WHERE provider_key = 'bob-1'"));
    }

    [Fact]
    public async Task Without_configuration_there_is_no_single_sign_on()
    {
        await using var app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync());
        Assert.DoesNotContain("data-testid=\"sso\"", await app.CreateClient().GetStringAsync("/Account/Login"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/Account/ExternalLogin")).StatusCode);
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
