using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Tests.Ingestion.Sources;
using Microsoft.Playwright;

namespace DolMapper.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SourcesTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private TestApp _app = null!;
    private FakeXServer _x = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _x = await FakeXServer.StartAsync();
        _x.Pages.AddRange([XPayloads.Page1, XPayloads.Page2]);
        _app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync());
        _context = await browser.NewContextAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
        await _x.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_configures_an_x_source_runs_it_and_sees_the_run()
    {
        var page = await BrowserFixture.SignInAsync(_context, Roles.Admin);
        await BrowserFixture.NavigateAsync(page, "Sources");
        await Assertions.Expect(page.GetByTestId("no-sources")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a source" }).ClickAsync();

        await page.GetByLabel("Name").FillAsync("x-oncology");
        await page.GetByLabel("Platform").SelectOptionAsync("x");
        await page.GetByLabel("Base URL").FillAsync(_x.BaseUrl);
        await page.GetByLabel("Queries (one per line)").FillAsync("#bcsm OR #oncology");
        await page.GetByLabel("Credentials").FillAsync("AAAA-browser-token-4321");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        // The fake server is not X's own host: saving asks the admin to confirm where the token goes.
        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.ConfirmAddress']")).ToContainTextAsync("is not api.x.com");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-source-confirm-address"), FullPage = true });
        await page.GetByLabel("Credentials").FillAsync("AAAA-browser-token-4321");
        await page.GetByLabel("I trust this address").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("sources-table")).ToContainTextAsync("••••4321");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("sources-notice")).ToContainTextAsync("queued");
        // The job runs in the app's Hangfire server; reload until its run is listed as complete.
        for (var i = 0; i < 60 && !(await page.ContentAsync()).Contains(">complete<", StringComparison.Ordinal); i++)
        {
            await Task.Delay(500);
            await page.ReloadAsync();
        }
        await Assertions.Expect(page.GetByTestId("runs-table")).ToContainTextAsync("#bcsm OR #oncology");
        await Assertions.Expect(page.GetByTestId("runs-table")).ToContainTextAsync("complete");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-sources"), FullPage = true });
    }
}
