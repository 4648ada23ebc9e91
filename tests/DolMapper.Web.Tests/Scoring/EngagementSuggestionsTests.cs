using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>
/// Engagement suggestions (docs/engagement.md) on a hand-built world: an oncologist on X and on
/// Mastodon whose Mastodon posts with journal links, on Tuesday afternoons UTC, earn the most. The
/// suggestions are derived after the run and shown on the DOL page and in the CSV; erasure takes them.
/// </summary>
public sealed class EngagementSuggestionsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Engagement test", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    [Fact]
    public async Task Suggestions_say_where_when_what_and_how_with_their_reasons_on_the_page_and_in_the_CSV()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>
        {
            JsonSerializer.Serialize(new { type = "account", platform = "x", id = "1", handle = "drana", name = "Dr. Ana Ruiz, MD", bio = "Medical oncologist. Breast cancer trials.", country = "US", person = "ana" }),
            JsonSerializer.Serialize(new { type = "account", platform = "mastodon", id = "drana@med.social", handle = "drana@med.social", name = "Dr. Ana Ruiz", bio = "Medical oncologist.", country = "US", person = "ana" }),
        };
        for (var a = 2; a <= 4; a++)
        {
            lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"{a}", handle = $"onc{a}", name = $"Dr. Onc {a}, MD", bio = "Medical oncologist.", country = "US" }));
        }
        var id = 0;
        // Tuesdays in autumn 2026, 14:10 UTC.
        var tuesday = new DateTime(2026, 9, 1, 14, 10, 0, DateTimeKind.Utc);
        for (var w = 0; w < 15; w++)
        {
            lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "mastodon", id = $"https://med.social/@drana/{++id}", account_id = "drana@med.social", created_at = tuesday.AddDays(7 * w).ToString("O"),
                text = "New paper on HER2 #bcsm", hashtags = new[] { "bcsm" }, urls = new[] { "https://doi.org/10.1056/NEJMoa26000" + w.ToString("00") }, likes = 50 }));
            if (w < 10)
            {
                lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "x", id = $"{++id}", account_id = "1", created_at = tuesday.AddDays(7 * w + 1).AddMinutes(20).ToString("O"), text = "Clinic today #bcsm", hashtags = new[] { "bcsm" }, likes = 5 }));
            }
            for (var a = 2; a <= 4; a++)
            {
                lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "x", id = $"{++id}", account_id = $"{a}", created_at = tuesday.AddDays(7 * w + a).ToString("O"), text = "Tumour board #bcsm", hashtags = new[] { "bcsm" }, likes = 2 }));
            }
        }
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        var run = Assert.Single(await scoring.ScoreAsync());
        Assert.True(run.Complete, run.Message);
        // Before the job has run the CSV has the columns, empty.
        var before = (await scoring.ExportAsync(Profile.Name)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(",suggested_channel,best_times,top_formats,suggested_collaboration,", before[0]);
        var empty = ScoringRunTests.ParseCsvLine(before[0]).Zip(ScoringRunTests.ParseCsvLine(before[1])).ToDictionary(p => p.First, p => p.Second);
        Assert.All(new[] { "suggested_channel", "best_times", "top_formats", "suggested_collaboration" }, column => Assert.Equal("", empty[column]));

        var report = await scoring.InScopeAsync(sp => sp.GetRequiredService<EngagementSuggestions>().ComputeAsync(run.RunId!.Value, CancellationToken.None));
        Assert.Equal(4, report.Persons);
        var connection = db.ConnectionString;
        var ana = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'ana'"))!;
        Assert.Equal("mastodon", await Sql.ScalarAsync(connection, $"SELECT channel FROM person_engagement WHERE person_id = {ana}"));
        Assert.Equal(1, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_engagement WHERE person_id = {ana} AND 14 = ANY (best_hours_utc)"));
        Assert.Contains("America/New_York", (string)(await Sql.ScalarAsync(connection, $"SELECT best_times FROM person_engagement WHERE person_id = {ana}"))!);
        Assert.Equal("journal_link", await Sql.ScalarAsync(connection, $"SELECT array_to_string(top_formats, ' ') FROM person_engagement WHERE person_id = {ana}"));

        var csv = (await scoring.ExportAsync(Profile.Name)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var row = ScoringRunTests.ParseCsvLine(csv.Single(l => l.Contains(",ana,", StringComparison.Ordinal) || l.Split(',')[1] == "ana"));
        var cells = ScoringRunTests.ParseCsvLine(csv[0]).Zip(row).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("mastodon", cells["suggested_channel"]);
        Assert.Contains("Tue", cells["best_times"]);
        Assert.Equal("journal_link", cells["top_formats"]);
        Assert.NotEqual("", cells["suggested_collaboration"]);

        await using var app = await TestApp.StartAsync(connection);
        var manager = await app.SignInAsync(Roles.BrandManager);
        var page = WebUtility.HtmlDecode(await manager.GetStringAsync($"/Profiles/{ana}?profile={Uri.EscapeDataString(Profile.Name)}"));
        Assert.Contains("data-testid=\"suggested-channel\" data-channel=\"mastodon\"", page);
        Assert.Contains("of the engagement they received", page);
        Assert.Contains("journal links earn", page);
        Assert.Contains("transfer of value", page);

        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(connection);
        var erased = await new DolMapper.Web.Compliance.OptOutRegistry(dataSource).EraseAsync(ana, "DSR", "admin", CancellationToken.None);
        Assert.True(erased.Done, erased.Message);
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_engagement WHERE person_id = {ana}"));
        Assert.Equal(3, await Sql.CountAsync(connection, "SELECT count(*) FROM person_engagement"));
    }
}
