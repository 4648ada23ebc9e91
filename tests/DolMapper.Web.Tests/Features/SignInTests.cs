using System.Net;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

[Collection(DatabaseCollection.Name)]
public sealed class SignInTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        var client = _app.CreateClient();
        var response = await TestApp.PostLoginAsync(client, TestApp.Demo(Roles.Analyst).Email, "wrong-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The e-mail or password is not right.", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Five_failed_attempts_lock_the_account()
    {
        var client = _app.CreateClient();
        var login = TestApp.Demo(Roles.BrandManager);
        for (var i = 0; i < 5; i++)
        {
            await TestApp.PostLoginAsync(client, login.Email, "wrong-password");
        }
        var response = await TestApp.PostLoginAsync(client, login.Email, login.Password);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sign_in_returns_to_the_page_asked_for_but_never_to_another_site()
    {
        var client = _app.CreateClient();
        var login = TestApp.Demo(Roles.Admin);

        var page = await client.GetStringAsync("/Account/Login?ReturnUrl=%2FAdmin%2FUsers");
        var response = await client.PostAsync("/Account/Login?ReturnUrl=%2FAdmin%2FUsers", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = login.Email,
            ["Input.Password"] = login.Password,
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(page),
        }));
        Assert.Equal("/Admin/Users", response.Headers.Location!.OriginalString);

        var other = _app.CreateClient();
        page = await other.GetStringAsync("/Account/Login");
        response = await other.PostAsync("/Account/Login?ReturnUrl=https%3A%2F%2Fevil.example%2F", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = login.Email,
            ["Input.Password"] = login.Password,
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(page),
        }));
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_form_post_without_the_anti_forgery_token_is_rejected()
    {
        var client = _app.CreateClient();
        await client.GetStringAsync("/Account/Login");
        var login = TestApp.Demo(Roles.Admin);
        var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = login.Email,
            ["Input.Password"] = login.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var client = await _app.SignInAsync(Roles.Analyst);
        var home = await client.GetStringAsync("/");
        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(home),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }
}
