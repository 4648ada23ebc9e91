using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace DolMapper.BrowserTests;

/// <summary>The admin pages in Chromium, on a scored demo world of their own (saving a profile queues a run).</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminTests(PostgresFixture postgres, BrowserFixture browser) : IAsyncLifetime
{
    private string _connection = null!;
    private TestApp _app = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _connection = await postgres.CreateMigratedDatabaseAsync();
        await using (var scoring = await ScoringServices.CreateAsync(_connection))
        {
            await scoring.SeedDemoWorldAsync(new DemoWorldOptions { Persons = 400, Posts = 12_000, Seed = 11 });
            // Read over everything and not kept to the UK: this small world has too few UK cardiology voices for a top 25.
            var awareness = ExampleProfiles.CardiologyAwarenessUk with { Scope = DolMapper.Scoring.ProfileDefinition.AllScope, LocatedInCountriesOnly = false };
            await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().SaveAsync(awareness, "test", CancellationToken.None));
            Assert.All(await scoring.ScoreAsync(), r => Assert.True(r.Complete, r.Message));
        }
        _app = await TestApp.StartAsync(_connection);
        _context = await browser.NewContextAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_turns_an_awareness_profile_into_scientific_exchange_watching_the_top_25_move_then_finds_the_change_in_the_audit_log()
    {
        var page = await BrowserFixture.SignInAsync(_context, Roles.Admin);
        await BrowserFixture.NavigateAsync(page, "Profiles");
        var row = page.GetByTestId("profile-row").Filter(new() { HasText = ExampleProfiles.CardiologyAwarenessUk.Name });
        await row.GetByRole(AriaRole.Link, new() { Name = "Edit weights" }).ClickAsync();

        // The preview first shows the ranking as it is: nobody enters or moves.
        var preview = page.GetByTestId("preview");
        await Assertions.Expect(preview.GetByTestId("preview-row")).ToHaveCountAsync(ProfilePreview.Top);
        await Assertions.Expect(page.GetByTestId("preview-summary")).ToContainTextAsync("0 enter, 0 leave, 0 move");
        var before = await preview.GetByTestId("preview-row").Locator("a").AllInnerTextsAsync();
        await Assertions.Expect(page.GetByText("Are they engaged in the online scientific community?")).ToBeVisibleAsync();

        // Scientific exchange: science and peer trust count, public reach is turned round, geography off.
        await page.GetByLabel("Q8 Are they engaged in the online scientific community?").FillAsync("1");
        await page.GetByLabel("Q3 Are they trusted among online HCP peers?").FillAsync("1");
        await page.GetByLabel("Q5 Do they have a public influence?").FillAsync("-0.5");
        await page.GetByLabel("Q9 Is their online influence local or global?").FillAsync("0");
        await Assertions.Expect(page.GetByTestId("weight-value-public_influence")).ToHaveTextAsync("-0.5");
        await Assertions.Expect(page.GetByTestId("preview-enters").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("preview-leaves").First).ToBeVisibleAsync();
        var after = await preview.GetByTestId("preview-row").Locator("a").AllInnerTextsAsync();
        Assert.NotEqual(before, after);
        Assert.Equal(ProfilePreview.Top, after.Count);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-profile-editor"), FullPage = true });

        // Save: a new version, a run queued; the versions page says what changed.
        await page.GetByTestId("save-profile").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Admin/Profiles/Versions", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("versions-notice")).ToContainTextAsync("as version 2");
        var changes = page.GetByTestId("version-row").First.GetByTestId("version-changes");
        await Assertions.Expect(changes).ToContainTextAsync("weights.science: 0 → 1");
        await Assertions.Expect(changes).ToContainTextAsync("weights.public_influence: 1 → -0.5");

        // The audit log has it: who, and the diff.
        await BrowserFixture.NavigateAsync(page, "Audit log");
        await page.GetByLabel("Action").SelectOptionAsync("profile.version");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var entry = page.GetByTestId("audit-row").First;
        await Assertions.Expect(entry).ToContainTextAsync(TestApp.Demo(Roles.Admin).Email);
        await Assertions.Expect(entry).ToContainTextAsync(ExampleProfiles.CardiologyAwarenessUk.Name);
        // Shown as before → after, not as JSON.
        var diff = entry.GetByTestId("audit-diff").Locator("tbody tr").Filter(new() { HasText = "weights.science" });
        await Assertions.Expect(diff.Locator("del")).ToHaveTextAsync("0");
        await Assertions.Expect(diff.Locator("ins")).ToHaveTextAsync("1");
        await Assertions.Expect(entry.GetByTestId("audit-details")).Not.ToContainTextAsync("{\"");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-audit-log"), FullPage = true });

        // The queued run completes, and the rankings show version 2.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await Sql.CountAsync(_connection, "SELECT count(*) FROM scoring_runs r JOIN scoring_profile_versions v ON v.id = r.profile_version_id WHERE v.version = 2 AND r.status = 'complete'") == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the run queued by the save did not complete");
            await Task.Delay(500);
        }
        await page.GotoAsync($"/Rankings?profile={Uri.EscapeDataString(ExampleProfiles.CardiologyAwarenessUk.Name)}");
        await Assertions.Expect(page.GetByTestId("summary")).ToContainTextAsync("version 2");
    }

    [Fact]
    public async Task An_admin_opts_a_person_out_and_they_leave_the_ranking_at_once()
    {
        var page = await BrowserFixture.SignInAsync(_context, Roles.Admin);
        await page.GotoAsync($"/Rankings?profile={Uri.EscapeDataString(ExampleProfiles.CardiologyAwarenessUk.Name)}");
        var first = page.GetByTestId("row").First.Locator("div.fw-semibold a");
        var name = (await first.InnerTextAsync()).Trim();
        var href = await first.GetAttributeAsync("href");
        var personId = href!.Split('/', '?')[2];

        await BrowserFixture.NavigateAsync(page, "Opt-outs");
        await page.GetByLabel("Opt out by").SelectOptionAsync("Person");
        await page.GetByLabel("Handle, account id or person").FillAsync(personId);
        await page.GetByLabel("Reason", new() { Exact = true }).FillAsync("e-mail request of 2026-11-20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opt out" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("optouts-notice")).ToContainTextAsync($"Opted out person {personId}");
        await Assertions.Expect(page.GetByTestId("optout-row").First).ToContainTextAsync(name);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-opt-outs"), FullPage = true });

        await page.GotoAsync($"/Rankings?profile={Uri.EscapeDataString(ExampleProfiles.CardiologyAwarenessUk.Name)}");
        await Assertions.Expect(page.GetByTestId("row").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("ranking")).Not.ToContainTextAsync(name);
        await Assertions.Expect(page.GetByTestId("rank").First).ToHaveTextAsync("1");
    }
}
