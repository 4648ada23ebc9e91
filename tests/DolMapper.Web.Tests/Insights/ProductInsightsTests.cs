using System.Globalization;
using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Insights;

/// <summary>
/// Products and share of voice (docs/insights.md) on a hand-built world: two incumbents share the
/// talk for eight weeks, then a launch takes half of it. Lists are kept by admins (page, command
/// line), counted by the scoring run, read by the insights page, the product page's launch view,
/// the DOL page, the CSV and the command line.
/// </summary>
public sealed class ProductInsightsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Launch test", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    private static readonly DateTime End = new(2026, 10, 31, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateOnly Launch = new(2026, 9, 7);

    private static string ListJson(string profile) => $$"""
        {
          "profile": "{{profile}}",
          "products": [
            { "name": "Oncavra", "generic_name": "zanitumab", "synonyms": ["Onkavra"], "competitors": ["Trelixa", "Vexolid"], "launch_date": "{{Launch:yyyy-MM-dd}}" },
            { "name": "Trelixa", "generic_name": "moratinib" },
            { "name": "Vexolid" }
          ]
        }
        """;

    private async Task<string> ScoredWorldAsync(ProfileDefinition? profile = null)
    {
        profile ??= Profile;
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>();
        for (var a = 1; a <= 6; a++)
        {
            lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"{a}", handle = $"onc{a}", name = $"Dr. Onc {a}, MD", bio = "Medical oncologist. Breast cancer trials.", country = "US" }));
        }
        // A member of the public: their mentions are not HCPs' and are not counted.
        lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = "7", handle = "fan7", name = "Sam", bio = "Dog lover, coffee, football.", country = "US" }));
        var id = 0;
        void Post(int account, DateTime at, string text) =>
            lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "x", id = $"{++id}", account_id = $"{account}", created_at = at.ToString("O"), text, hashtags = new[] { "bcsm" } }));
        var launch = Launch.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        for (var week = launch.AddDays(-56); week < End; week = week.AddDays(7))
        {
            var after = week >= launch;
            // Before: Trelixa 3, Vexolid 1 a week; from the launch: Oncavra 2 (one by its generic name), Trelixa 1, Vexolid 1.
            for (var i = 0; i < (after ? 1 : 3); i++)
            {
                Post(1 + i, week.AddHours(i), "Really pleased with how my patients are doing on Trelixa.");
            }
            Post(4, week.AddHours(5), "Disappointed with Vexolid, two more patients progressed.");
            if (after)
            {
                Post(5, week.AddHours(6), "Impressed by Oncavra so far, very few side effects.");
                Post(6, week.AddHours(7), "Reviewing the zanitumab dosing guidance before clinic.");
                Post(7, week.AddHours(8), "Oncavra Oncavra Oncavra!");
            }
        }
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(profile);
        var saved = await scoring.InScopeAsync(sp => sp.GetRequiredService<ProductLists>().ImportAsync(ListJson(profile.Name), "admin", CancellationToken.None));
        Assert.True(saved.Ok, string.Join(" ", saved.Problems));
        var run = Assert.Single(await scoring.ScoreAsync());
        Assert.True(run.Complete, run.Message);
        return db.ConnectionString;
    }

    [Fact]
    public async Task The_run_counts_HCP_mentions_a_week_with_share_of_voice_and_the_pages_show_the_launch()
    {
        var connection = await ScoredWorldAsync();
        // 8 weeks before, 8 from the launch: Oncavra 2 a week after (brand and generic; the public's posts left out).
        Assert.Equal(16, await Sql.CountAsync(connection, "SELECT sum(hcp_mentions) FROM product_weeks WHERE product = 'Oncavra'"));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT coalesce(sum(hcp_mentions), 0) FROM product_weeks WHERE product = 'Oncavra' AND week < '{Launch:yyyy-MM-dd}'"));
        var launchWeek = await Sql.ScalarAsync(connection, $"SELECT share_of_voice FROM product_weeks WHERE product = 'Oncavra' AND week = '{Launch:yyyy-MM-dd}'");
        Assert.Equal(0.5, Convert.ToDouble(launchWeek, CultureInfo.InvariantCulture), 6);
        Assert.Equal(3, await Sql.CountAsync(connection, "SELECT count(*) FROM product_summaries"));
        Assert.Equal("Trelixa", await Sql.ScalarAsync(connection, "SELECT product FROM product_summaries ORDER BY rank LIMIT 1"));
        // Tone is read per mention: the praise of Trelixa is mostly positive, the complaint about Vexolid mostly negative.
        Assert.True(await Sql.CountAsync(connection, "SELECT positive FROM product_summaries WHERE product = 'Trelixa'") > await Sql.CountAsync(connection, "SELECT negative FROM product_summaries WHERE product = 'Trelixa'"));
        Assert.True(await Sql.CountAsync(connection, "SELECT negative FROM product_summaries WHERE product = 'Vexolid'") > await Sql.CountAsync(connection, "SELECT positive FROM product_summaries WHERE product = 'Vexolid'"));

        await using var app = await TestApp.StartAsync(connection);
        var manager = await app.SignInAsync(Roles.BrandManager);
        var page = WebUtility.HtmlDecode(await manager.GetStringAsync("/Insights?profile=" + Uri.EscapeDataString(Profile.Name)));
        Assert.Contains("data-testid=\"products\"", page);
        Assert.Contains("data-product=\"Oncavra\"", page);
        Assert.Contains("against Trelixa, Vexolid", page);
        Assert.DoesNotContain("data-testid=\"products-csv\"", page);

        var product = WebUtility.HtmlDecode(await manager.GetStringAsync($"/Insights/Product?profile={Uri.EscapeDataString(Profile.Name)}&product=Oncavra"));
        Assert.Contains("data-testid=\"launch-view\"", product);
        Assert.Contains($"Launch: week of {Launch:yyyy-MM-dd}", product);
        Assert.Matches("data-product=\"Oncavra\" data-before=\"0\" data-after=\"0.5\"", product);
        Assert.Matches("data-product=\"Trelixa\" data-before=\"0.75\" data-after=\"0.25\"", product);
        Assert.Contains("data-testid=\"drivers\"", product);
        Assert.Contains("data-tone=\"positive\"", product);
        Assert.Contains("Impressed by Oncavra so far", product);
        Assert.DoesNotContain("Oncavra Oncavra Oncavra", product);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/Insights/Product?profile={Uri.EscapeDataString(Profile.Name)}&product=Nothing")).StatusCode);

        // The DOL page of one who mentions it lists it, linked to the product.
        var person = (long)(await Sql.ScalarAsync(connection, "SELECT person_id FROM accounts WHERE handle = 'onc5'"))!;
        var dol = await manager.GetStringAsync($"/Profiles/{person}?profile={Uri.EscapeDataString(Profile.Name)}");
        Assert.Contains("data-testid=\"person-products\"", dol);
        Assert.Contains("/Insights/Product?profile=Launch%20test&amp;product=Oncavra", dol);
        Assert.Matches("<a [^>]*data-testid=\"insights-link\"[^>]*href=\"/Insights\\?profile=Launch%20test\"|<a [^>]*href=\"/Insights\\?profile=Launch%20test\"[^>]*data-testid=\"insights-link\"", dol);

        // The weekly CSV: analysts and admins, audited.
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/Insights/products.csv?profile=" + Uri.EscapeDataString(Profile.Name))).StatusCode);
        var analyst = await app.SignInAsync(Roles.Analyst);
        var rows = (await analyst.GetStringAsync("/Insights/products.csv?profile=" + Uri.EscapeDataString(Profile.Name))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("product,week,hcp_mentions,share_of_voice,positive,negative,neutral", rows[0]);
        Assert.Contains(rows, r => r.StartsWith($"Oncavra,{Launch:yyyy-MM-dd},2,0.5,", StringComparison.Ordinal));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'export.products.csv'"));
    }

    [Fact]
    public async Task A_profile_read_over_everything_counts_the_same_mentions_by_a_scan_of_its_own()
    {
        var connection = await ScoredWorldAsync(Profile with { Name = "Launch everywhere", Scope = ProfileDefinition.AllScope });
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM topic_trends"));
        Assert.Equal(16, await Sql.CountAsync(connection, "SELECT sum(hcp_mentions) FROM product_weeks WHERE product = 'Oncavra'"));
        Assert.Equal(8 * 3 + 8, await Sql.CountAsync(connection, "SELECT sum(hcp_mentions) FROM product_weeks WHERE product = 'Trelixa'"));
        await using var app = await TestApp.StartAsync(connection);
        var page = await (await app.SignInAsync(Roles.BrandManager)).GetStringAsync("/Insights?profile=Launch%20everywhere");
        Assert.Contains("data-testid=\"not-topic\"", page);
        Assert.Contains("data-product=\"Oncavra\"", page);
    }

    [Fact]
    public async Task Admins_edit_the_list_as_JSON_and_a_bad_list_stores_nothing()
    {
        var connection = await ScoredWorldAsync();
        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var url = "/Admin/Products?profile=" + Uri.EscapeDataString(Profile.Name);
        var page = await admin.GetStringAsync(url);
        Assert.Contains("data-product=\"Trelixa\"", page);
        async Task<string> SaveAsync(string json)
        {
            var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Json"] = json, ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await admin.GetStringAsync(url)) });
            var response = await admin.PostAsync(url, form);
            return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }
        var duplicate = await SaveAsync(ListJson(Profile.Name).Replace("\"Vexolid\" }", "\"Trelixa\" }", StringComparison.Ordinal));
        Assert.Contains("data-testid=\"products-problems\"", duplicate);
        Assert.Contains("The name 'Trelixa' is in the list twice", duplicate);
        var unknownCompetitor = await SaveAsync(ListJson(Profile.Name).Replace("\"Vexolid\"]", "\"Nolix\"]", StringComparison.Ordinal));
        Assert.Contains("'Oncavra' competes with 'Nolix', which is not in the list", unknownCompetitor);
        var emptySynonym = await SaveAsync(ListJson(Profile.Name).Replace("[\"Onkavra\"]", "[\"\"]", StringComparison.Ordinal));
        Assert.Contains("synonyms[0] is empty", emptySynonym);
        var otherProfile = await SaveAsync(ListJson("Someone else's"));
        Assert.Contains("This page edits the products of 'Launch test'", otherProfile);
        Assert.Equal(3, await Sql.CountAsync(connection, "SELECT count(*) FROM products"));
        Assert.Equal("Onkavra", await Sql.ScalarAsync(connection, "SELECT synonyms[1] FROM products WHERE name = 'Oncavra'"));

        await SaveAsync("""{ "profile": "Launch test", "products": [ { "name": "Trelixa" }, { "name": "Vexolid", "competitors": ["Trelixa"] } ] }""");
        Assert.Contains("Saved 2 products for 'Launch test'", WebUtility.HtmlDecode(await admin.GetStringAsync(url)));
        Assert.Equal(2, await Sql.CountAsync(connection, "SELECT count(*) FROM products"));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'products.saved' AND user_name IS DISTINCT FROM 'admin'"));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignInAsync(Roles.Analyst)).GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task The_command_line_imports_and_exports_lists_and_writes_the_weekly_counts()
    {
        var connection = await ScoredWorldAsync();
        var database = $"--ConnectionStrings:DolMapper={connection}";
        var directory = TestPaths.NewTempDirectory("products-cli");
        try
        {
            await using (var export = await CliProcess.RunAsync(["products", "export", "--profile", Profile.Name, database]))
            {
                Assert.True(export.ExitCode == 0, export.StandardError);
                var lists = DolMapper.Scoring.Insights.ProductList.ParseMany(export.StandardOutput, out var problems);
                Assert.Empty(problems);
                Assert.Equal(["Oncavra", "Trelixa", "Vexolid"], Assert.Single(lists).Products.Select(p => p.Name));
            }
            var bad = Path.Combine(directory, "bad.json");
            await File.WriteAllTextAsync(bad, $$"""[{{ListJson(Profile.Name)}}, {"profile": "No such profile", "products": [{"name": "X"}]}]""");
            await using (var refused = await CliProcess.RunAsync(["products", "import", bad, database]))
            {
                Assert.Equal(1, refused.ExitCode);
                Assert.Contains("nothing imported", refused.StandardError);
                Assert.Contains("There is no profile named 'No such profile'", refused.StandardError);
            }
            var good = Path.Combine(directory, "good.json");
            await File.WriteAllTextAsync(good, """{"profile": "Launch test", "products": [{"name": "Trelixa"}]}""");
            await using (var imported = await CliProcess.RunAsync(["products", "import", good, database]))
            {
                Assert.True(imported.ExitCode == 0, imported.StandardError);
                Assert.Contains("Saved 1 products for 'Launch test'", imported.StandardOutput);
            }
            Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM products"));

            // The weekly counts are the latest run's (listed before the change).
            var file = Path.Combine(directory, "products.csv");
            await using (var csv = await CliProcess.RunAsync(["insights", "products", "--profile", Profile.Name, "--out", file, database]))
            {
                Assert.True(csv.ExitCode == 0, csv.StandardError);
            }
            var lines = await File.ReadAllLinesAsync(file);
            Assert.Equal("product,week,hcp_mentions,share_of_voice,positive,negative,neutral", lines[0]);
            Assert.Contains(lines, l => l.StartsWith($"Oncavra,{Launch:yyyy-MM-dd},2,0.5,", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Erasing_a_person_takes_their_mentions_examples_and_place_among_the_drivers()
    {
        var connection = await ScoredWorldAsync();
        var person = (long)(await Sql.ScalarAsync(connection, "SELECT person_id FROM accounts WHERE handle = 'onc5'"))!;
        Assert.True(await Sql.CountAsync(connection, $"SELECT count(*) FROM person_product_mentions WHERE person_id = {person}") > 0);
        Assert.True(await Sql.CountAsync(connection, $"SELECT count(*) FROM product_summaries WHERE {person} = ANY (driver_person_ids)") > 0);
        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(connection);
        var erased = await new DolMapper.Web.Compliance.OptOutRegistry(dataSource).EraseAsync(person, "DSR", "admin", CancellationToken.None);
        Assert.True(erased.Done, erased.Message);
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_product_mentions WHERE person_id = {person}"));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM product_summaries WHERE {person} = ANY (driver_person_ids)"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM product_summaries WHERE cardinality(example_post_ids) <> cardinality(example_tones) OR cardinality(driver_person_ids) <> cardinality(driver_mentions)"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM product_summaries t, unnest(t.example_post_ids) e(id) WHERE NOT EXISTS (SELECT 1 FROM posts x WHERE x.id = e.id)"));
        // The other HCP who mentions Oncavra still drives it.
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT cardinality(driver_person_ids) FROM product_summaries WHERE product = 'Oncavra'"));
    }
}
