using DolMapper.Web.Infrastructure.Auth;
using Microsoft.Playwright;

namespace DolMapper.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private TestApp _app = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync());
        _context = await browser.NewContextAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    private Task<IPage> SignInAsync(string role) => BrowserFixture.SignInAsync(_context, role);

    [Fact]
    public async Task The_demo_admin_signs_in_and_sees_the_home_page()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("sign-in"), FullPage = true });
        await page.CloseAsync();

        page = await SignInAsync(Roles.Admin);

        Assert.Equal(_app.BaseAddress.ToString().TrimEnd('/') + "/", page.Url);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Digital Opinion Leaders" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("empty-state")).ToContainTextAsync("No data yet");
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync(TestApp.Demo(Roles.Admin).Email);
        // The administration's pages are in the Admin menu.
        await page.GetByTestId("admin-menu").ClickAsync();
        await Assertions.Expect(page.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = "Jobs" })).ToBeVisibleAsync();
        // Bootstrap is served from the app itself (no CDN) and applied.
        var navbarColor = await page.EvalOnSelectorAsync<string>("nav.navbar", "e => getComputedStyle(e).backgroundColor");
        Assert.Equal("rgb(33, 37, 41)", navbarColor);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("home-admin"), FullPage = true });
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_stays_on_sign_in()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await Assertions.Expect(page.GetByTestId("login-errors")).ToBeHiddenAsync();
        await page.GetByLabel("E-mail").FillAsync(TestApp.Demo(Roles.Analyst).Email);
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("login-errors")).ToContainTextAsync("The e-mail or password is not right.");
        Assert.Contains("/Account/Login", page.Url);
    }

    [Fact]
    public async Task A_brand_manager_has_no_admin_navigation_and_is_refused_the_job_dashboard()
    {
        var page = await SignInAsync(Roles.BrandManager);
        await Assertions.Expect(page.GetByTestId("admin-menu")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = "Jobs" })).ToHaveCountAsync(0);

        var response = await page.GotoAsync("/admin/jobs");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByTestId("error-page")).ToContainTextAsync("Not allowed");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("forbidden-brand-manager"), FullPage = true });
    }

    [Fact]
    public async Task An_admin_opens_the_job_dashboard_and_the_users_page()
    {
        var page = await SignInAsync(Roles.Admin);
        await BrowserFixture.NavigateAsync(page, "Users");
        await Assertions.Expect(page.GetByTestId("users-table")).ToContainTextAsync(TestApp.Demo(Roles.BrandManager).Email);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-users"), FullPage = true });

        var response = await page.GotoAsync("/admin/jobs");
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("DolMapper jobs"));
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-jobs"), FullPage = true });
    }

    [Fact]
    public async Task Signing_out_returns_to_sign_in()
    {
        var page = await SignInAsync(Roles.Analyst);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/Login"));
        await page.GotoAsync("/");
        Assert.Contains("/Account/Login", page.Url);
    }
}
