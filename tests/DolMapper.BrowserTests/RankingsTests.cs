using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Ingestion.Import;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Npgsql;

namespace DolMapper.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class RankingsTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private TestApp _app = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using (var scoring = await ScoringServices.CreateAsync(connection))
        {
            var seeder = new DemoSeeder(scoring.Get<FileImporter>(), scoring.Get<NpgsqlDataSource>(), scoring.Get<CrossProcessLock>(), NullLogger<DemoSeeder>.Instance);
            await seeder.SeedAsync(new DemoWorldOptions { Persons = 400, Posts = 12_000, Seed = 5 }, truthPath: null, progress: null);
            await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().EnsureExamplesAsync("test", CancellationToken.None));
            Assert.All(await scoring.ScoreAsync(), r => Assert.True(r.Complete, r.Message));
        }
        _app = await TestApp.StartAsync(connection);
        _context = await browser.NewContextAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_brand_manager_filters_the_ranking_by_country_and_the_view_lands_in_the_URL()
    {
        var page = await BrowserFixture.SignInAsync(_context, Roles.BrandManager);
        await page.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = "Rankings" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("ranking")).ToBeVisibleAsync();
        await page.GetByLabel("Scoring profile").SelectOptionAsync(ExampleProfiles.CardiologyAwarenessUk.Name);
        await Assertions.Expect(page.GetByTestId("summary")).ToContainTextAsync(ExampleProfiles.CardiologyAwarenessUk.Name);
        await page.GetByLabel("Country").SelectOptionAsync("GB");
        await page.WaitForURLAsync(url => url.Contains("country=GB", StringComparison.Ordinal));
        var rows = page.GetByTestId("row");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        foreach (var text in await rows.AllInnerTextsAsync())
        {
            Assert.Contains("GB", text);
        }
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("rankings"), FullPage = true });

        // The URL alone reproduces the view.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("Country")).ToHaveValueAsync("GB");
        await Assertions.Expect(page.GetByTestId("summary")).ToContainTextAsync(ExampleProfiles.CardiologyAwarenessUk.Name);

        // The top DOL's page explains the score question by question.
        var name = (await rows.First.Locator("a").First.InnerTextAsync()).Trim();
        await rows.First.Locator("a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("dol-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByTestId("questions")).ToContainTextAsync("posts in the window are on the profile's topic");
        await Assertions.Expect(page.GetByTestId("radar")).ToHaveAttributeAsync("data-drawn", "true");
        await Assertions.Expect(page.GetByTestId("contributions")).ToHaveAttributeAsync("data-drawn", "true");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("profile"), FullPage = true });
    }
}
