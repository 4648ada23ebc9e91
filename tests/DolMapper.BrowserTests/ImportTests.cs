using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.Playwright;

namespace DolMapper.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class ImportTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private TestApp _app = null!;
    private IBrowserContext _context = null!;
    private readonly string _directory = TestPaths.NewTempDirectory("browser-import");

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync());
        _context = await browser.NewContextAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
        TestPaths.DeleteQuietly(_directory);
    }

    [Fact]
    public async Task An_analyst_uploads_a_demo_world_and_watches_it_finish_without_reloading()
    {
        var file = Path.Combine(_directory, "world.jsonl.gz");
        var options = new DemoWorldOptions { Persons = 400, Posts = 30_000, Seed = 3 };
        await DemoWorldWriter.WriteFileAsync(options, file, truthPath: null);
        // An analyst's upload refuses the CRM relationship lines (company data) and says so.
        var relationships = DemoWorld.Build(options).Persons.Count(p => p.CrmKind is not null);
        var page = await BrowserFixture.SignInAsync(_context, Roles.Analyst);

        await BrowserFixture.NavigateAsync(page, "Import");
        await Assertions.Expect(page.GetByTestId("no-imports")).ToBeVisibleAsync();
        await page.GetByLabel("File").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("/Import/Run/"));
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar)).ToBeVisibleAsync();
        // htmx polls the progress and reloads the page when the run is done.
        await Assertions.Expect(page.Locator("[data-testid=run-progress][data-finished=true]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("run-rejected")).ToHaveTextAsync(relationships.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("run-progress")).ToContainTextAsync("complete");
        await Assertions.Expect(page.GetByTestId("rejections-table")).ToContainTextAsync("only when an Admin imports");
        await Assertions.Expect(page.GetByTestId("run-progress")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Posts\s*2\d,\d{3} new, 0 updated"));
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("import-report"), FullPage = true });

        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("summary")).ToContainTextAsync("posts");
        await page.GotoAsync("/Import");
        await Assertions.Expect(page.GetByTestId("imports-table")).ToContainTextAsync("world.jsonl.gz");
    }
}
