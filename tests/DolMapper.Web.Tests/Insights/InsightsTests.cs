using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Insights;

/// <summary>
/// A profile's topic trends (docs/insights.md) on a hand-built world: twelve weeks of a steady
/// giant (#bcsm), a hashtag that bursts in the last week (#trop2), a term that appears only then,
/// and a hashtag one person repeats. Kept by the scoring run; read by the page, the CSV download and
/// the command line.
/// </summary>
public sealed class InsightsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Trend test", Hashtags = ["bcsm"], Keywords = ["ADC data", "datopotamab", "own thing", "authorization"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    private static readonly DateTime End = new(2026, 10, 31, 12, 0, 0, DateTimeKind.Utc);

    private async Task<string> ScoredWorldAsync(ProfileDefinition? profile = null)
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>();
        for (var a = 1; a <= 6; a++)
        {
            lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"{a}", handle = $"onc{a}", name = $"Dr. Onc {a}, MD", bio = "Medical oncologist. Breast cancer trials.", country = "US" }));
        }
        var id = 0;
        void Post(int account, DateTime at, string text, params string[] tags) =>
            lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "x", id = $"{++id}", account_id = $"{account}", created_at = at.ToString("O"), text, hashtags = tags }));
        for (var week = 0; week < 12; week++)
        {
            for (var i = 0; i < 12; i++)
            {
                Post(1 + i % 6, End.AddDays(-7 * week - 0.5 * (i % 12)), "Tumour board today", "bcsm");
            }
            var trop = week == 0 ? 20 : 2;
            for (var i = 0; i < trop; i++)
            {
                Post(1 + i % 4, End.AddDays(-7 * week - 0.3 * (i % 20) - 0.1), "Watching the ADC data", "trop2");
            }
        }
        for (var i = 0; i < 6; i++)
        {
            Post(1 + i % 3, End.AddDays(-1 - 0.5 * i), "Datopotamab deruxtecan results are in");
            Post(5, End.AddDays(-1 - 0.5 * i), "My own thing again", "solo");
        }
        // Concerns of the last weeks: HCPs asking colleagues about prior authorization.
        for (var i = 0; i < 6; i++)
        {
            Post(2 + i % 3, End.AddDays(-2 - 3 * i), i % 2 == 0
                ? "Anyone else struggling to get prior authorization approved for trastuzumab? Patients wait weeks."
                : "We need a faster prior authorization process. My patients can't start treatment on time.");
        }
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(profile ?? Profile);
        var run = Assert.Single(await scoring.ScoreAsync());
        Assert.True(run.Complete, run.Message);
        return db.ConnectionString;
    }

    [Fact]
    public async Task The_run_keeps_what_rises_what_is_new_and_what_stays_steady_and_the_page_shows_it()
    {
        var connection = await ScoredWorldAsync();
        var kept = await Sql.ColumnAsync(connection, "SELECT kind || ':' || item || ':' || status FROM topic_trends ORDER BY rank");
        Assert.Equal("hashtag:trop2:rising", kept[0]);
        Assert.Contains("term:datopotamab deruxtecan:emerging", kept);
        Assert.Contains("hashtag:bcsm:steady", kept);
        // One person repeating a hashtag is not a trend.
        Assert.Contains("hashtag:solo:steady", kept);
        Assert.Equal(20 + 11 * 2, await Sql.CountAsync(connection, "SELECT sum(posts) FROM topic_trend_days WHERE kind = 'hashtag' AND item = 'trop2'"));

        await using var app = await TestApp.StartAsync(connection);
        var manager = await app.SignInAsync(Roles.BrandManager);
        var page = await manager.GetStringAsync("/Insights?profile=" + Uri.EscapeDataString(Profile.Name));
        var rising = page[page.IndexOf("data-testid=\"trends-rising\"", StringComparison.Ordinal)..page.IndexOf("data-testid=\"trends-emerging\"", StringComparison.Ordinal)];
        Assert.Contains("#trop2", rising);
        Assert.DoesNotContain("#bcsm", rising);
        Assert.Contains("datopotamab deruxtecan", page);

        var item = await manager.GetStringAsync($"/Insights/Item?profile={Uri.EscapeDataString(Profile.Name)}&kind=hashtag&item=trop2");
        Assert.Contains("20 posts in the last seven days by 4 HCPs", item);
        Assert.Contains("data-testid=\"drivers\"", item);
        Assert.Matches("href=\"/Profiles/\\d+\\?profile=Trend%20test\"", item);
        Assert.Contains("Watching the ADC data", item);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/Insights/Item?profile={Uri.EscapeDataString(Profile.Name)}&kind=hashtag&item=nothing-here")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/Insights/Item?profile=No%20such&kind=hashtag&item=trop2")).StatusCode);

        // The DOL page of one who drives it says so, linked to the item.
        var driver = (long)(await Sql.ScalarAsync(connection, "SELECT person_id FROM accounts WHERE handle = 'onc2'"))!;
        var dol = await manager.GetStringAsync($"/Profiles/{driver}?profile={Uri.EscapeDataString(Profile.Name)}");
        Assert.Contains("data-testid=\"drives\"", dol);
        Assert.Contains("#trop2 ↑", System.Net.WebUtility.HtmlDecode(dol));
        Assert.Contains("/Insights/Item?profile=Trend%20test&amp;kind=hashtag&amp;item=trop2", dol);
        // … and lists the concerns they voiced.
        Assert.Contains("data-testid=\"person-concerns\"", dol);
        Assert.Contains("prior authorization", dol);
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM person_concern_themes c WHERE NOT EXISTS (SELECT 1 FROM topic_concern_themes t WHERE t.run_id = c.run_id AND t.theme = c.theme)"));
        Assert.Equal(6, await Sql.CountAsync(connection, "SELECT sum(posts) FROM person_concern_themes WHERE theme = 'prior authorization'"));

        // What HCPs ask for: the concern theme, on the page and in its CSV.
        Assert.Equal("prior authorization", await Sql.ScalarAsync(connection, "SELECT theme FROM topic_concern_themes ORDER BY rank LIMIT 1"));
        var concerns = page[page.IndexOf("data-testid=\"concerns\"", StringComparison.Ordinal)..page.IndexOf("data-testid=\"trends-rising\"", StringComparison.Ordinal)];
        Assert.Contains("data-theme=\"prior authorization\"", concerns);

        // The CSV is for analysts and admins, and audited.
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/Insights/trends.csv?profile=" + Uri.EscapeDataString(Profile.Name))).StatusCode);
        var analyst = await app.SignInAsync(Roles.Analyst);
        var csv = await analyst.GetStringAsync("/Insights/trends.csv?profile=" + Uri.EscapeDataString(Profile.Name));
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rank,kind,item,posts_window,posts_baseline,hcp_authors,trend_score,status", rows[0]);
        Assert.StartsWith("1,hashtag,trop2,20,2,4,", rows[1]);
        Assert.EndsWith(",rising", rows[1]);
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'export.trends.csv'"));
        var themes = (await analyst.GetStringAsync("/Insights/concerns.csv?profile=" + Uri.EscapeDataString(Profile.Name))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("theme,posts,hcp_authors,example_post_ids", themes[0]);
        Assert.Matches("^prior authorization,6,3,x:\\d+ x:\\d+ x:\\d+$", themes[1]);
        var missing = await analyst.GetAsync("/Insights/trends.csv?profile=No%20such");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("There is no profile called 'No such'", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Erasing_a_person_takes_them_out_of_the_trends_drivers_examples_and_items_that_name_them()
    {
        var connection = await ScoredWorldAsync();
        var person = (long)(await Sql.ScalarAsync(connection, "SELECT person_id FROM accounts WHERE handle = 'onc2'"))!;
        Assert.True(await Sql.CountAsync(connection, $"SELECT count(*) FROM topic_trends WHERE {person} = ANY (driver_person_ids)") > 0);
        Assert.True(await Sql.CountAsync(connection, "SELECT count(*) FROM topic_trends t WHERE EXISTS (SELECT 1 FROM posts x JOIN accounts a ON a.id = x.account_id WHERE a.handle = 'onc2' AND x.id = ANY (t.example_post_ids))") > 0);
        Assert.True(await Sql.CountAsync(connection, "SELECT count(*) FROM topic_concern_themes t WHERE EXISTS (SELECT 1 FROM posts x JOIN accounts a ON a.id = x.account_id WHERE a.handle = 'onc2' AND x.id = ANY (t.example_post_ids))") > 0);
        // A term made of their handle, as if others kept naming them.
        await Sql.ExecuteAsync(connection, "INSERT INTO topic_trends (run_id, kind, item, status, rank, trend_score, posts_recent, posts_baseline, hcp_authors_recent, public_authors_recent, posts_window, hcp_posts_window, hcp_authors_window, engagement_window, driver_person_ids, driver_posts, example_post_ids) SELECT run_id, 'term', 'onc2 says', 'steady', 999, 0, 0, 0, 0, 0, 5, 5, 2, 0, '{}', '{}', '{}' FROM topic_trends LIMIT 1");

        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(connection);
        var erased = await new DolMapper.Web.Compliance.OptOutRegistry(dataSource).EraseAsync(person, "DSR", "admin", CancellationToken.None);
        Assert.True(erased.Done, erased.Message);

        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM topic_trends WHERE {person} = ANY (driver_person_ids)"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM topic_trends WHERE cardinality(driver_person_ids) <> cardinality(driver_posts)"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM topic_trends t, unnest(t.example_post_ids) e(id) WHERE NOT EXISTS (SELECT 1 FROM posts x WHERE x.id = e.id)"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM topic_concern_themes t, unnest(t.example_post_ids) e(id) WHERE NOT EXISTS (SELECT 1 FROM posts x WHERE x.id = e.id)"));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM topic_concern_themes WHERE theme = 'prior authorization'"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM topic_trends WHERE item LIKE '%onc2%'"));
        // The others still drive the rising hashtag.
        Assert.True(await Sql.CountAsync(connection, "SELECT cardinality(driver_person_ids) FROM topic_trends WHERE item = 'trop2'") >= 3);
    }

    [Fact]
    public async Task A_profile_read_over_everything_keeps_no_trends_and_says_why()
    {
        var connection = await ScoredWorldAsync(Profile with { Name = "Everything", Scope = ProfileDefinition.AllScope });
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM topic_trends"));
        await using var app = await TestApp.StartAsync(connection);
        var manager = await app.SignInAsync(Roles.BrandManager);
        var page = await manager.GetStringAsync("/Insights?profile=Everything");
        Assert.Contains("data-testid=\"not-topic\"", page);
        var unknown = await manager.GetStringAsync("/Insights?profile=Nope");
        Assert.Contains("There is no profile called “Nope”", unknown);
    }

    [Fact]
    public async Task The_command_line_writes_the_trends_and_refuses_an_unknown_profile_by_name()
    {
        var connection = await ScoredWorldAsync();
        var database = $"--ConnectionStrings:DolMapper={connection}";
        var directory = TestPaths.NewTempDirectory("trends-cli");
        try
        {
            var file = Path.Combine(directory, "trends.csv");
            await using (var run = await CliProcess.RunAsync(["insights", "trends", "--profile", Profile.Name, "--out", file, database]))
            {
                Assert.True(run.ExitCode == 0, run.StandardError);
                Assert.Contains("trends of 'Trend test'", run.StandardOutput);
            }
            var lines = await File.ReadAllLinesAsync(file);
            Assert.Equal("rank,kind,item,posts_window,posts_baseline,hcp_authors,trend_score,status", lines[0]);
            Assert.StartsWith("1,hashtag,trop2,", lines[1]);
            await using (var concerns = await CliProcess.RunAsync(["insights", "concerns", "--profile", Profile.Name, database]))
            {
                Assert.True(concerns.ExitCode == 0, concerns.StandardError);
                var output = concerns.StandardOutput.ReplaceLineEndings("\n");
                Assert.StartsWith("theme,posts,hcp_authors,example_post_ids\nprior authorization,6,3,", output);
            }
            await using (var unknown = await CliProcess.RunAsync(["insights", "trends", "--profile", "No such", database]))
            {
                Assert.Equal(1, unknown.ExitCode);
                Assert.Contains("there is no profile called 'No such'", unknown.StandardError);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
