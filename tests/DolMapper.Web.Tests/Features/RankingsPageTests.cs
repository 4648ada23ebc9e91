using DolMapper.Scoring;
using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Infrastructure.Auth;
using Npgsql;

namespace DolMapper.Web.Tests.Features;

[Collection(DatabaseCollection.Name)]
public sealed class RankingsPageTests(PostgresFixture postgres)
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Rank test", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    private async Task<string> ScoredWorldAsync()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>();
        string[] who =
        [
            "Dr. Ana Ruiz, MD|Medical oncologist. Breast cancer trials.|ES",
            "Ben Cole, MD|Breast oncologist at a community hospital.|US",
            "Cara Dunn, RN|Oncology nurse navigator.|GB",
            "Dev Patel, PharmD|Oncology pharmacist.|GB",
        ];
        for (var a = 0; a < who.Length; a++)
        {
            var parts = who[a].Split('|');
            lines.Add(System.Text.Json.JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"{a + 1}", handle = $"user{a + 1}", name = parts[0], bio = parts[1], country = parts[2] }));
            for (var i = 0; i < (a + 1) * 5; i++)
            {
                lines.Add(System.Text.Json.JsonSerializer.Serialize(new
                {
                    type = "post", platform = "x", id = $"{a + 1}-{i}", account_id = $"{a + 1}",
                    created_at = new DateTime(2026, 9, 1, 9, 0, 0, DateTimeKind.Utc).AddDays(i).ToString("O"), text = "news #bcsm", hashtags = new[] { "bcsm" },
                }));
            }
        }
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        return db.ConnectionString;
    }

    [Fact]
    public async Task Filters_sort_and_opt_outs_shape_the_page_and_live_in_the_query()
    {
        var connection = await ScoredWorldAsync();
        await using var dataSource = NpgsqlDataSource.Create(connection);
        var query = new RankingQuery(dataSource);

        var all = await query.PageAsync(new RankingFilter(), CancellationToken.None);
        Assert.NotNull(all);
        Assert.Equal(Profile.Name, all.Profile);
        Assert.Equal(4, all.Total);
        Assert.Equal(["Dev Patel, PharmD", "Cara Dunn, RN", "Ben Cole, MD", "Dr. Ana Ruiz, MD"], all.Rows.Select(r => r.Name));
        Assert.Equal([1, 2, 3, 4], all.Rows.Select(r => r.Rank));
        Assert.All(all.Rows, r => Assert.Null(r.PreviousRank));

        var uk = await query.PageAsync(new RankingFilter(Country: "GB"), CancellationToken.None);
        Assert.Equal(["Dev Patel, PharmD", "Cara Dunn, RN"], uk!.Rows.Select(r => r.Name));
        var search = await query.PageAsync(new RankingFilter(Search: "user2"), CancellationToken.None);
        Assert.Equal("Ben Cole, MD", Assert.Single(search!.Rows).Name);
        var nurses = await query.PageAsync(new RankingFilter(Profession: "nurse"), CancellationToken.None);
        Assert.Equal("Cara Dunn, RN", Assert.Single(nurses!.Rows).Name);

        // The top person opts out: gone at once, and everyone below moves up a place.
        await Sql.ExecuteAsync(connection, "INSERT INTO opt_outs (platform, handle, reason, created_at) VALUES ('x', 'user4', 'request', now())");
        var after = await query.PageAsync(new RankingFilter(), CancellationToken.None);
        Assert.Equal(3, after!.Total);
        Assert.Equal([1, 2, 3], after.Rows.Select(r => r.Rank));
        Assert.DoesNotContain(after.Rows, r => r.Name == "Dev Patel, PharmD");

        // Pages of the app: every role sees them; htmx gets the results alone.
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.BrandManager);
        var html = await client.GetStringAsync("/Rankings?country=GB");
        Assert.Contains("data-testid=\"filters\"", html);
        Assert.Contains("Cara Dunn, RN", html);
        Assert.DoesNotContain("Ben Cole, MD", html);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Rankings?sort=activity");
        request.Headers.Add("HX-Request", "true");
        var partial = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"ranking\"", partial);
        Assert.DoesNotContain("data-testid=\"filters\"", partial);
        Assert.Contains("sorted by activity", partial);
    }

    [Fact]
    public async Task A_profile_page_explains_each_question_in_words_and_numbers_and_hides_opted_out_persons()
    {
        var connection = await ScoredWorldAsync();
        var ana = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'x:1'"))!;
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.BrandManager);
        var html = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync($"/Profiles/{ana}?profile={Uri.EscapeDataString(Profile.Name)}"));
        Assert.Contains("Dr. Ana Ruiz, MD", html);
        Assert.Contains("data-testid=\"questions\"", html);
        Assert.Contains("5 of 5 posts in the window are on the profile's topic", html);
        Assert.Contains("HCP confidence", html);
        Assert.Contains("medical oncology", html);
        var rankings = await client.GetStringAsync("/Rankings");
        Assert.Contains($"/Profiles/{ana}?profile=", rankings);

        await Sql.ExecuteAsync(connection, $"INSERT INTO opt_outs (person_id, reason, created_at) VALUES ({ana}, 'request', now())");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/Profiles/{ana}?profile={Uri.EscapeDataString(Profile.Name)}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/Profiles/{ana}?profile=Nope")).StatusCode);
    }

    [Fact]
    public async Task Without_a_complete_run_the_page_says_how_to_get_one()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection);
        var html = await (await app.SignInAsync(Roles.Analyst)).GetStringAsync("/Rankings");
        Assert.Contains("data-testid=\"empty-state\"", html);
    }
}
