using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Features.SavedViews;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

/// <summary>Saved rankings views and their weekly e-mail (docs/dashboard.md, "Saved views").</summary>
public sealed class SavedViewTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Views onc", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    private static IEnumerable<string> Person(int a, string name, string country, int posts) =>
        [JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"{a}", handle = $"user{a}", name, bio = "Medical oncologist.", country }),
         .. Enumerable.Range(0, posts).Select(i => JsonSerializer.Serialize(new
         {
             type = "post", platform = "x", id = $"{a * 1000 + i}", account_id = $"{a}",
             created_at = new DateTime(2026, 9, 1, 9, 0, 0, DateTimeKind.Utc).AddDays(i).ToString("O"), text = "news #bcsm", hashtags = new[] { "bcsm" },
         }))];

    private static async Task<string> PostAsync(HttpClient client, string handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await client.GetStringAsync("/SavedViews"));
        var response = await client.PostAsync($"/SavedViews?handler={handler}", new FormUrlEncodedContent(fields));
        return WebUtility.HtmlDecode(response.StatusCode == HttpStatusCode.Redirect
            ? await client.GetStringAsync(response.Headers.Location!.OriginalString)
            : await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_saved_view_keeps_the_filters_and_sort_and_is_its_owners_alone()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync([.. Person(1, "Ana Ruiz, MD", "GB", 5), .. Person(2, "Ben Cole, MD", "US", 3)])).Clean);
        await using (var scoring = await ScoringServices.CreateAsync(db.ConnectionString))
        {
            await scoring.SaveProfileAsync(Profile);
            Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        }
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var brand = await app.SignInAsync(Roles.BrandManager);

        var saved = await PostAsync(brand, "Save", new() { ["name"] = "UK oncologists", ["query"] = "profile=Views%20onc&country=GB&page=3&size=50&junk=1&sort=activity", ["alert"] = "true" });
        Assert.Contains("Saved the view “UK oncologists”; a weekly e-mail", saved);
        Assert.Contains("href=\"/Rankings?profile=Views%20onc&country=GB&sort=activity\"", saved);
        // The rankings page's box lists it; following it shows the filtered ranking.
        var widget = WebUtility.HtmlDecode(await brand.GetStringAsync("/SavedViews?handler=Widget"));
        Assert.Contains("Saved views (1)", widget);
        var view = WebUtility.HtmlDecode(await brand.GetStringAsync("/Rankings?profile=Views%20onc&country=GB&sort=activity"));
        Assert.Contains("Ana Ruiz, MD", view);
        Assert.DoesNotContain("Ben Cole, MD", view);

        // Saving the same name replaces the view; bad names and a query without a known profile are refused.
        await PostAsync(brand, "Save", new() { ["name"] = "UK oncologists", ["query"] = "profile=Views%20onc&country=US" });
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM saved_views WHERE query = 'profile=Views%20onc&country=US' AND NOT weekly_alert"));
        Assert.Contains("Give the view a name", await PostAsync(brand, "Save", new() { ["name"] = " ", ["query"] = "profile=Views%20onc" }));
        Assert.Contains("choose a profile", await PostAsync(brand, "Save", new() { ["name"] = "x", ["query"] = "profile=Nope" }));

        // Another user sees none of it and cannot delete it.
        var analyst = await app.SignInAsync(Roles.Analyst);
        Assert.Contains("data-testid=\"no-views\"", await analyst.GetStringAsync("/SavedViews"));
        var id = (await db.ScalarAsync("SELECT id FROM saved_views"))!.ToString()!;
        Assert.Contains("There is no such view of yours.", await PostAsync(analyst, "Delete", new() { ["id"] = id }));
        Assert.Contains("The view is deleted.", await PostAsync(brand, "Delete", new() { ["id"] = id }));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM saved_views"));
    }

    [Fact]
    public async Task The_weekly_email_says_who_entered_and_left_the_views_top_and_stays_quiet_when_nobody_did()
    {
        await using var smtp = new FakeSmtpServer();
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync([.. Person(1, "Ana Ruiz, MD", "GB", 5), .. Person(2, "Ben Cole, MD", "GB", 3)])).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        await using var app = await TestApp.StartAsync(db.ConnectionString, new Dictionary<string, string?>
        {
            ["DolMapper:Smtp:Host"] = "127.0.0.1", ["DolMapper:Smtp:Port"] = $"{smtp.Port}", ["DolMapper:Smtp:Security"] = "None",
            ["DolMapper:Smtp:From"] = "DolMapper <dolmapper@example.com>", ["DolMapper:PublicBaseUrl"] = "https://dol.example.com/",
        });
        var brand = await app.SignInAsync(Roles.BrandManager);
        await PostAsync(brand, "Save", new() { ["name"] = "UK", ["query"] = "profile=Views%20onc&country=GB", ["alert"] = "true" });
        async Task<SavedViewAlertReport> RunAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<SavedViewAlerts>().RunAsync(CancellationToken.None);
        }

        // The first e-mail lists the top and starts the comparison.
        Assert.Equal(1, (await RunAsync()).Sent);
        var first = Assert.Single(smtp.Messages);
        Assert.Equal(TestApp.Demo(Roles.BrandManager).Email, first.To.Mailboxes.Single().Address);
        Assert.Contains("#1 Ana Ruiz, MD", first.TextBody);
        Assert.Contains("https://dol.example.com/Rankings?profile=Views%20onc&country=GB", first.TextBody, StringComparison.Ordinal);

        // Nothing changed: nothing sent.
        Assert.Equal(1, (await RunAsync()).Unchanged);
        Assert.Single(smtp.Messages);

        // A newcomer, and someone who moves away from the view's country.
        Assert.True((await db.ImportAsync([.. Person(3, "Cara Dunn, MD", "GB", 8), .. Person(2, "Ben Cole, MD", "FR", 0)])).Clean);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        Assert.Equal(1, (await RunAsync()).Sent);
        var second = smtp.Messages.Last();
        Assert.Contains("New in its top 25:", second.TextBody);
        Assert.Contains("Cara Dunn, MD", second.TextBody);
        Assert.Contains("No longer in its top 25:", second.TextBody);
        Assert.Contains("Ben Cole, MD (was #2)", second.TextBody);

        // Erasing a person leaves nothing of them in a view's memory.
        var ana = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '1'"))!;
        Assert.Equal(1, await db.CountAsync($"SELECT count(*) FROM saved_view_members WHERE person_id = {ana}"));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Compliance.OptOutRegistry>().EraseAsync(ana, "request", "test", CancellationToken.None);
        }
        Assert.Equal(0, await db.CountAsync($"SELECT count(*) FROM saved_view_members WHERE person_id = {ana}"));
    }
}
