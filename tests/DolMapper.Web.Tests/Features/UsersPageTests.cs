using System.Net;
using System.Text.RegularExpressions;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

/// <summary>Users: invitations by e-mail (a local SMTP server) or one-time link, roles, disable, unlock, reset, the last admin.</summary>
public sealed partial class UsersPageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static async Task<string> PostAsync(HttpClient admin, string handler, Dictionary<string, string> fields, string? id = null)
    {
        fields["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await admin.GetStringAsync("/Admin/Users"));
        var response = await admin.PostAsync($"/Admin/Users?handler={handler}{(id is null ? "" : "&id=" + Uri.EscapeDataString(id))}", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static string IdOf(string usersPage, string email)
    {
        var row = Regex.Match(usersPage, $"data-email=\"{Regex.Escape(email)}\"[\\s\\S]*?id=\"role-([^\"]+)\"");
        Assert.True(row.Success, $"{email} is not listed");
        return row.Groups[1].Value;
    }

    private static async Task<HttpResponseMessage> SetPasswordAsync(TestApp app, string link, string password)
    {
        var client = app.CreateClient();
        var page = await client.GetStringAsync(new Uri(link).PathAndQuery);
        var uri = new Uri(link);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return await client.PostAsync("/Account/SetPassword", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(page),
            ["user"] = query["user"]!, ["token"] = query["token"]!, ["Password"] = password, ["Confirm"] = password,
        }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://dolmapper.example.org/")]
    public async Task Invitation_links_go_to_the_public_address_whatever_host_header_the_request_carries(string? publicBaseUrl)
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection, new Dictionary<string, string?> { ["DolMapper:PublicBaseUrl"] = publicBaseUrl });
        var admin = await app.SignInAsync(Roles.Admin);
        var token = TestApp.AntiforgeryToken(await admin.GetStringAsync("/Admin/Users"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Admin/Users?handler=Invite")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["Email"] = "host.test@example.com", ["Role"] = Roles.Analyst,
            }),
        };
        request.Headers.Host = "evil.example";

        var page = WebUtility.HtmlDecode(await (await admin.SendAsync(request)).Content.ReadAsStringAsync());

        var link = Regex.Match(page, "data-testid=\"one-time-link\" value=\"([^\"]+)\"|value=\"([^\"]+)\" aria-label=\"One-time link\"");
        Assert.True(link.Success, page);
        var url = link.Groups[1].Success ? link.Groups[1].Value : link.Groups[2].Value;
        Assert.DoesNotContain("evil.example", url);
        Assert.StartsWith((publicBaseUrl ?? app.BaseAddress.ToString()).TrimEnd('/') + "/Account/SetPassword?user=", url);
    }

    [Fact]
    public async Task Without_smtp_an_invitation_gives_a_one_time_link_that_sets_the_password_once()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var page = await PostAsync(admin, "Invite", new() { ["Email"] = "new.analyst@example.com", ["DisplayName"] = "New Analyst", ["Role"] = Roles.Analyst });
        Assert.Contains("SMTP is not configured", page);
        var link = Regex.Match(page, "data-testid=\"one-time-link\" value=\"([^\"]+)\"|value=\"([^\"]+)\" aria-label=\"One-time link\"");
        var url = link.Groups[1].Success ? link.Groups[1].Value : link.Groups[2].Value;
        Assert.StartsWith(app.BaseAddress.ToString().TrimEnd('/') + "/Account/SetPassword?user=", url);
        Assert.Contains("Invited (no password yet)", await admin.GetStringAsync("/Admin/Users"));

        var weak = await SetPasswordAsync(app, url, "short");
        Assert.Contains("at least 8 characters", WebUtility.HtmlDecode(await weak.Content.ReadAsStringAsync()));
        var set = await SetPasswordAsync(app, url, "Analyst-Password-1");
        Assert.Contains("Your password is set", WebUtility.HtmlDecode(await set.Content.ReadAsStringAsync()));
        var again = await SetPasswordAsync(app, url, "Another-Password-2");
        Assert.Contains("expired or was used already", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));

        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Redirect, (await TestApp.PostLoginAsync(client, "new.analyst@example.com", "Analyst-Password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Import")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/Admin/Users")).StatusCode);
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'user.invited' AND target = 'new.analyst@example.com' AND details ->> 'role' = 'Analyst'"));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'user.password_set'"));
    }

    [Fact]
    public async Task With_smtp_invitations_and_resets_arrive_by_mail()
    {
        await using var smtp = new FakeSmtpServer();
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection, new Dictionary<string, string?>
        {
            ["DolMapper:Smtp:Host"] = "127.0.0.1", ["DolMapper:Smtp:Port"] = $"{smtp.Port}", ["DolMapper:Smtp:Security"] = "None",
            ["DolMapper:Smtp:From"] = "DolMapper <dolmapper@example.com>",
        });
        var admin = await app.SignInAsync(Roles.Admin);
        var page = await PostAsync(admin, "Invite", new() { ["Email"] = "brand@example.com", ["Role"] = Roles.BrandManager });
        Assert.Contains("the e-mail with their link is sent", page);
        Assert.DoesNotContain("One-time link", page);
        var invitation = Assert.Single(smtp.Messages);
        Assert.Equal("brand@example.com", invitation.To.Mailboxes.Single().Address);
        Assert.Equal("dolmapper@example.com", invitation.From.Mailboxes.Single().Address);
        var url = LinkPattern().Match(invitation.TextBody ?? "").Value;
        Assert.Contains("as BrandManager", invitation.TextBody);
        Assert.Contains("Your password is set", WebUtility.HtmlDecode(await (await SetPasswordAsync(app, url, "Brand-Password-1")).Content.ReadAsStringAsync()));

        var id = IdOf(await admin.GetStringAsync("/Admin/Users"), "brand@example.com");
        Assert.Contains("A password-reset link is e-mailed", await PostAsync(admin, "Reset", [], id));
        Assert.Equal(2, smtp.Messages.Count);
        var reset = smtp.Messages.Last();
        Assert.Equal("Reset your DolMapper password", reset.Subject);
        await SetPasswordAsync(app, LinkPattern().Match(reset.TextBody ?? "").Value, "Brand-Password-2");
        Assert.Equal(HttpStatusCode.Redirect, (await TestApp.PostLoginAsync(app.CreateClient(), "brand@example.com", "Brand-Password-2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TestApp.PostLoginAsync(app.CreateClient(), "brand@example.com", "Brand-Password-1")).StatusCode);
    }

    [Fact]
    public async Task Roles_disable_unlock_and_remove_take_effect_on_open_sessions_and_the_last_admin_stays()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection, new Dictionary<string, string?> { ["DolMapper:Auth:SessionCheckSeconds"] = "0" });
        var admin = await app.SignInAsync(Roles.Admin);
        var adminEmail = TestApp.Demo(Roles.Admin).Email;
        var users = await admin.GetStringAsync("/Admin/Users");
        var adminId = IdOf(users, adminEmail);
        var analystId = IdOf(users, TestApp.Demo(Roles.Analyst).Email);
        var brandId = IdOf(users, TestApp.Demo(Roles.BrandManager).Email);

        // The last admin can be neither demoted, disabled nor removed (nor can anyone disable or remove themselves).
        Assert.Contains("is the last enabled admin", await PostAsync(admin, "Role", new() { ["role"] = Roles.Analyst }, adminId));
        Assert.Contains("cannot disable your own account", await PostAsync(admin, "Disable", [], adminId));
        Assert.Contains("cannot remove your own account", await PostAsync(admin, "Remove", [], adminId));
        Assert.True(await Sql.CountAsync(connection, $"SELECT count(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = '{adminId}' AND r.name = 'Admin'") == 1);

        // A brand manager made analyst can import at once; an analyst disabled is signed out at once and cannot sign in.
        var brand = await app.SignInAsync(Roles.BrandManager);
        Assert.Equal(HttpStatusCode.Forbidden, (await brand.GetAsync("/Import")).StatusCode);
        Assert.Contains("is now Analyst", await PostAsync(admin, "Role", new() { ["role"] = Roles.Analyst }, brandId));
        var relogged = app.CreateClient();
        await TestApp.PostLoginAsync(relogged, TestApp.Demo(Roles.BrandManager).Email, TestApp.Demo(Roles.BrandManager).Password);
        Assert.Equal(HttpStatusCode.OK, (await relogged.GetAsync("/Import")).StatusCode);

        var analyst = await app.SignInAsync(Roles.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/Rankings")).StatusCode);
        Assert.Contains("is disabled and signed out everywhere", await PostAsync(admin, "Disable", [], analystId));
        var afterDisable = await analyst.GetAsync("/Rankings");
        Assert.Equal(HttpStatusCode.Redirect, afterDisable.StatusCode);
        Assert.StartsWith("/Account/Login", afterDisable.Headers.Location!.PathAndQuery);
        var login = await TestApp.PostLoginAsync(app.CreateClient(), TestApp.Demo(Roles.Analyst).Email, TestApp.Demo(Roles.Analyst).Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Disabled", await admin.GetStringAsync("/Admin/Users"));
        Assert.Contains("is enabled again", await PostAsync(admin, "Enable", [], analystId));
        Assert.Equal(HttpStatusCode.Redirect, (await TestApp.PostLoginAsync(app.CreateClient(), TestApp.Demo(Roles.Analyst).Email, TestApp.Demo(Roles.Analyst).Password)).StatusCode);

        // Five wrong passwords lock the account; an admin unlocks it.
        for (var i = 0; i < 5; i++)
        {
            await TestApp.PostLoginAsync(app.CreateClient(), TestApp.Demo(Roles.Analyst).Email, "wrong-password");
        }
        Assert.Contains("Locked out until", await admin.GetStringAsync("/Admin/Users"));
        Assert.Contains("is unlocked", await PostAsync(admin, "Enable", [], analystId));
        Assert.Equal(HttpStatusCode.Redirect, (await TestApp.PostLoginAsync(app.CreateClient(), TestApp.Demo(Roles.Analyst).Email, TestApp.Demo(Roles.Analyst).Password)).StatusCode);

        // With a second admin, the first may be demoted; removal deletes the account.
        Assert.Contains("is now Admin", await PostAsync(admin, "Role", new() { ["role"] = Roles.Admin }, analystId));
        Assert.Contains($"{TestApp.Demo(Roles.BrandManager).Email} is removed", await PostAsync(admin, "Remove", [], brandId));
        Assert.Equal(HttpStatusCode.OK, (await TestApp.PostLoginAsync(app.CreateClient(), TestApp.Demo(Roles.BrandManager).Email, TestApp.Demo(Roles.BrandManager).Password)).StatusCode);
        foreach (var action in new[] { "user.role_changed", "user.disabled", "user.enabled", "user.unlocked", "user.removed" })
        {
            Assert.True(await Sql.CountAsync(connection, $"SELECT count(*) FROM audit_log WHERE action = '{action}' AND user_name = '{adminEmail}'") > 0, action);
        }
        var roleChange = (string)(await Sql.ScalarAsync(connection, "SELECT details::text FROM audit_log WHERE action = 'user.role_changed' ORDER BY id LIMIT 1"))!;
        Assert.Contains("BrandManager", roleChange);
        Assert.Contains("Analyst", roleChange);
    }

    [GeneratedRegex(@"https?://\S+/Account/SetPassword\?\S+")]
    private static partial Regex LinkPattern();
}
