using System.Net;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

[Collection(SerialCollection.Name)]
public sealed class SignInTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestApp _app = null!;
    private string _connection = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(_connection = await postgres.CreateMigratedDatabaseAsync());

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
        // The right password does not get in while the account is locked.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
        // Each refusal is audited with the user named, the lockout once, when the fifth attempt caused it.
        Assert.Equal(6, await Sql.CountAsync(_connection, $"SELECT count(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND user_name = '{login.Email}'"));
        Assert.Equal(1, await Sql.CountAsync(_connection, $"SELECT count(*) FROM audit_log WHERE action = 'auth.locked_out' AND user_name = '{login.Email}' AND details ->> 'until' IS NOT NULL"));
        Assert.Equal(2, await Sql.CountAsync(_connection, $"SELECT count(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND details ->> 'reason' = 'locked out'"));
    }

    [Fact]
    public async Task Sign_ins_sign_outs_and_refusals_are_audited_and_an_unknown_address_is_never_written_down()
    {
        var client = await _app.SignInAsync(Roles.Analyst);
        var analyst = TestApp.Demo(Roles.Analyst).Email;
        Assert.Equal(1, await Sql.CountAsync(_connection, $"SELECT count(*) FROM audit_log WHERE action = 'auth.signed_in' AND user_name = '{analyst}' AND details ->> 'method' = 'password' AND user_id IS NOT NULL"));
        var home = await client.GetStringAsync("/");
        await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(home) }));
        Assert.Equal(1, await Sql.CountAsync(_connection, $"SELECT count(*) FROM audit_log WHERE action = 'auth.signed_out' AND user_name = '{analyst}'"));

        await TestApp.PostLoginAsync(_app.CreateClient(), "stranger@example.org", "guess");
        Assert.Equal(1, await Sql.CountAsync(_connection, "SELECT count(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND user_name IS NULL AND details ->> 'reason' = 'no such user'"));
        Assert.Equal(0, await Sql.CountAsync(_connection, "SELECT count(*) FROM audit_log WHERE details::text LIKE '%stranger%' OR coalesce(user_name, '') LIKE '%stranger%'"));
    }

    [Fact]
    public async Task Unknown_locked_and_wrong_password_sign_ins_look_the_same_and_take_alike_time()
    {
        var client = _app.CreateClient();
        var locked = TestApp.Demo(Roles.BrandManager);
        for (var i = 0; i < 5; i++)
        {
            await TestApp.PostLoginAsync(client, locked.Email, "wrong-password");
        }

        async Task<(string Errors, double Milliseconds)> AttemptAsync(string email, string password)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var response = await TestApp.PostLoginAsync(_app.CreateClient(), email, password);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            var html = await response.Content.ReadAsStringAsync();
            var errors = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"login-errors\"[^>]*>([\\s\\S]*?)</div>").Groups[1].Value;
            return (errors, elapsed);
        }
        var unknown = new List<(string Errors, double Milliseconds)>();
        var wrong = new List<(string Errors, double Milliseconds)>();
        var lockedOut = new List<(string Errors, double Milliseconds)>();
        for (var i = 0; i < 7; i++)
        {
            unknown.Add(await AttemptAsync($"nobody{i}@example.com", "wrong-password"));
            wrong.Add(await AttemptAsync(TestApp.Demo(Roles.Admin).Email, "wrong-password-" + i));
            lockedOut.Add(await AttemptAsync(locked.Email, locked.Password));
        }

        Assert.Contains("not right", unknown[0].Errors);
        Assert.All(unknown.Concat(wrong).Concat(lockedOut), a => Assert.Equal(unknown[0].Errors, a.Errors));
        // The same work: an unknown address is not answered in a fraction of a known one's time.
        static double Median(List<(string, double Milliseconds)> a) => a.Select(x => x.Milliseconds).Order().ElementAt(a.Count / 2);
        Assert.True(Median(unknown) > 0.4 * Median(wrong), $"unknown {Median(unknown):0} ms, wrong password {Median(wrong):0} ms");
        Assert.True(Median(lockedOut) > 0.4 * Median(wrong), $"locked {Median(lockedOut):0} ms, wrong password {Median(wrong):0} ms");
    }

    [Fact]
    public async Task Sign_in_attempts_are_rate_limited_per_client_address()
    {
        await using var app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync(),
            new Dictionary<string, string?> { ["DolMapper:Auth:SignInAttemptsPerMinute"] = "3" });
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await TestApp.PostLoginAsync(client, $"nobody{i}@example.com", "wrong-password")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        // Showing the form is not an attempt.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
        var limited = await TestApp.PostLoginAsync(client, TestApp.Demo(Roles.Admin).Email, TestApp.Demo(Roles.Admin).Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
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

    [Fact]
    public async Task A_cookie_copied_before_sign_out_no_longer_works_after_it()
    {
        await using var app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync(),
            new Dictionary<string, string?> { ["DolMapper:Auth:SessionCheckSeconds"] = "0" });
        var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true };
        var client = new HttpClient(handler) { BaseAddress = app.BaseAddress };
        var login = TestApp.Demo(Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await TestApp.PostLoginAsync(client, login.Email, login.Password)).StatusCode);
        var stolen = handler.CookieContainer.GetCookieHeader(app.BaseAddress);
        Assert.Contains("DolMapper.Auth", stolen);
        var home = await client.GetStringAsync("/");

        await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(home) }));

        using var thief = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Rankings");
        request.Headers.Add("Cookie", stolen);
        var response = await thief.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
    }
}
