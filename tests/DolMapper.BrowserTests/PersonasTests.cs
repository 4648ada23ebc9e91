using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Npgsql;

namespace DolMapper.BrowserTests;

/// <summary>Personas and the learned ranking in Chromium, on a scored demo world with personas and some analysts' feedback.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PersonasTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private string _connection = null!;
    private TestApp _app = null!;
    private IBrowserContext _context = null!;
    private static readonly string Profile = ExampleProfiles.OncologyScientificExchange.Name;

    public async Task InitializeAsync()
    {
        _connection = await postgres.CreateMigratedDatabaseAsync();
        long run;
        await using (var scoring = await ScoringServices.CreateAsync(_connection))
        {
            await scoring.SeedDemoWorldAsync(new DemoWorldOptions { Persons = 500, Posts = 20_000, Seed = 23 });
            await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().SaveAsync(ExampleProfiles.OncologyScientificExchange, "test", CancellationToken.None));
            var report = Assert.Single(await scoring.ScoreAsync());
            Assert.True(report.Complete, report.Message);
            run = report.RunId!.Value;
            Assert.True((await new PersonaTraining(scoring.Get<NpgsqlDataSource>(), NullLogger<PersonaTraining>.Instance).TrainAsync(run, CancellationToken.None)).Trained);
            Assert.True((await scoring.InScopeAsync(sp => sp.GetRequiredService<EngagementSuggestions>().ComputeAsync(run, CancellationToken.None))).Persons > 0);
        }
        _app = await TestApp.StartAsync(_connection);
        // Earlier feedback of the demo analyst: every other person of the run, by their weighted rank.
        await Sql.ExecuteAsync(_connection, $"""
            INSERT INTO feedback (profile_id, person_id, user_id, verdict, run_id, created_at)
            SELECT r.profile_id, s.person_id, (SELECT id FROM users WHERE email = '{TestApp.Demo(Roles.Analyst).Email}'),
                   CASE WHEN s.rank % 6 = 1 OR s.rank < 20 THEN 'good_fit' WHEN s.rank % 6 = 3 THEN 'maybe' ELSE 'not_a_fit' END, r.id, now()
            FROM person_scores s JOIN scoring_runs r ON r.id = s.run_id WHERE s.run_id = {run} AND s.rank % 2 = 1
            """);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var profileId = (int)(await Sql.ScalarAsync(_connection, $"SELECT profile_id FROM scoring_runs WHERE id = {run}"))!;
            var trained = await scope.ServiceProvider.GetRequiredService<LearnedRanking>().TrainAsync(profileId, CancellationToken.None);
            Assert.True(trained.Trained, trained.Message);
        }
        _context = await browser.NewContextAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_brand_manager_recognises_the_personas_and_an_analysts_feedback_changes_the_learned_order_after_retraining()
    {
        var brand = await BrowserFixture.SignInAsync(_context, Roles.BrandManager);
        await BrowserFixture.NavigateAsync(brand, "Personas");
        var personas = brand.GetByTestId("persona");
        Assert.InRange(await personas.CountAsync(), 4, 8);
        await Assertions.Expect(personas.First.GetByRole(AriaRole.Heading)).Not.ToBeEmptyAsync();
        await Assertions.Expect(personas.First.GetByTestId("persona-think")).ToContainTextAsync("#");
        // How to engage each persona, summed up from its members' suggestions.
        await Assertions.Expect(personas.First.GetByTestId("persona-engagement")).ToContainTextAsync("Most active and engaged on");
        await Assertions.Expect(brand.Locator("canvas.dm-radar[data-drawn='true']")).ToHaveCountAsync(await personas.CountAsync());
        await brand.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("personas"), FullPage = true });
        // Its members: the rankings filtered to the persona.
        await personas.First.GetByTestId("persona-members").ClickAsync();
        await Assertions.Expect(brand.GetByTestId("row").First).ToBeVisibleAsync();
        Assert.Contains("persona=", brand.Url);
        await brand.CloseAsync();

        await using var analystContext = await browser.NewContextAsync(_app);
        var analyst = await BrowserFixture.SignInAsync(analystContext, Roles.Analyst);
        var learnedView = $"/Rankings?profile={Uri.EscapeDataString(Profile)}&sort=learned";
        await analyst.GotoAsync(learnedView);
        await Assertions.Expect(analyst.GetByLabel("Sort by")).ToHaveValueAsync("learned");
        var before = (await analyst.GetByTestId("row").Locator("div.fw-semibold a").AllInnerTextsAsync()).Take(5).ToList();
        // The analyst finds the learned top 5 wrong for this brand.
        for (var i = 0; i < 5; i++)
        {
            var buttons = analyst.GetByTestId("row").Nth(i).GetByTestId("feedback-not_a_fit");
            await buttons.ClickAsync();
            await Assertions.Expect(analyst.GetByTestId("row").Nth(i).GetByTestId("feedback-not_a_fit")).ToHaveAttributeAsync("aria-pressed", "true");
        }
        await analyst.GetByTestId("learned-link").ClickAsync();
        await Assertions.Expect(analyst.GetByTestId("learned-model")).ToContainTextAsync("Model v1");
        await analyst.GetByTestId("retrain").ClickAsync();
        await Assertions.Expect(analyst.GetByTestId("learned-notice")).ToContainTextAsync("queued");
        for (var attempt = 0; attempt < 60 && !(await analyst.GetByTestId("learned-model").InnerTextAsync()).Contains("Model v2", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(500);
            await analyst.ReloadAsync();
        }
        await Assertions.Expect(analyst.GetByTestId("learned-model")).ToContainTextAsync("Model v2");
        await analyst.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("learned-ranking"), FullPage = true });
        await analyst.GotoAsync(learnedView);
        var after = (await analyst.GetByTestId("row").Locator("div.fw-semibold a").AllInnerTextsAsync()).Take(5).ToList();
        Assert.True(before.Except(after).Count() >= 3, $"before: {string.Join(", ", before)}; after: {string.Join(", ", after)}");
    }
}
