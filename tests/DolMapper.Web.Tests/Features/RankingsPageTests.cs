using System.Net;
using DolMapper.Scoring;
using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using Npgsql;

namespace DolMapper.Web.Tests.Features;

public sealed class RankingsPageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
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
                    type = "post", platform = "x", id = $"{(a + 1) * 1000 + i}", account_id = $"{a + 1}",
                    created_at = new DateTime(2026, 9, 1, 9, 0, 0, DateTimeKind.Utc).AddDays(i).ToString("O"), text = "news #bcsm", hashtags = new[] { "bcsm" },
                    urls = new[] { "https://www.nejm.org/doi/x" + i },
                    reply_to = a == 1 && i < 3 ? new { post_id = $"{1000 + i}", account_id = "1" } : null,
                    mentions = a == 1 && i < 3 ? new[] { "1" } : Array.Empty<string>(),
                }));
            }
        }
        lines.Add(System.Text.Json.JsonSerializer.Serialize(new { type = "relationship", platform = "x", account_id = "3", kind = "advisory_board", since = "2024-05-01" }));
        lines.Add(System.Text.Json.JsonSerializer.Serialize(new { type = "account", platform = "bluesky", id = "did:plc:dev", handle = "dev.bsky.social", name = "Dev Patel, PharmD", bio = "Oncology pharmacist.", person = "x:4" }));
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        return db.ConnectionString;
    }

    [Fact]
    public async Task Hostile_page_numbers_and_nul_characters_get_an_answer_not_a_server_error()
    {
        var connection = await ScoredWorldAsync();
        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var profile = Uri.EscapeDataString(Profile.Name);

        foreach (var path in new[] { $"/Rankings?profile={profile}&page=50000000", $"/Rankings?profile={profile}&page=2147483647", "/Shortlists", "/Admin/Audit?page=50000000", "/Admin/Crm?page=50000000", "/Admin/Persons/Review?page=50000000" })
        {
            var response = await admin.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }
        foreach (var path in new[] { $"/Rankings?profile={profile}&q=a%00b", $"/Rankings/export.csv?profile={profile}&q=%00", "/Admin/Audit?q=x%00" })
        {
            var response = await admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("NUL character", await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("\n=cmd|' /C calc'!A0", "'\n=cmd|' /C calc'!A0")]
    [InlineData(" \r\n@SUM(A1)", "' \r\n@SUM(A1)")]
    [InlineData("-5", "'-5")]
    [InlineData("Dr. Ana Ruiz", "Dr. Ana Ruiz")]
    [InlineData("a=b", "a=b")]
    public void Csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(string cell, string expected) =>
        Assert.Equal(expected, DolMapper.Web.Infrastructure.Downloads.CsvText(cell));

    [Theory]
    [InlineData(0.000123456, "0.0001235")]
    [InlineData(12.3456, "12.35")]
    [InlineData(123456.7, "123500")]
    [InlineData(-0.98765, "-0.9877")]
    [InlineData(3, "3")]
    [InlineData(0, "0")]
    public void Raw_measures_in_the_csv_keep_four_significant_digits(double value, string expected) =>
        Assert.Equal(expected, RankingCsv.RawNumber(value));

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

        // The next run: nobody moved, so the change column says so (the previous ranks are read with today's opt-outs).
        await using (var scoring = await ScoringServices.CreateAsync(connection, storeModel: false))
        {
            Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        }
        var next = await query.PageAsync(new RankingFilter(), CancellationToken.None);
        Assert.Equal([1, 2, 3], next!.Rows.Select(r => r.Rank));
        Assert.All(next.Rows, r => Assert.Equal(r.Rank, r.PreviousRank));

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
    public async Task Filters_tell_the_truth_unknown_values_are_named_and_ignored_pages_clamp_and_chips_remove_filters()
    {
        var connection = await ScoredWorldAsync();
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.BrandManager);
        async Task<string> Page(string query) => System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/Rankings?" + query));

        // An unknown value is named and ignored: the four ranked persons are all shown, not "nobody matches".
        var unknown = await Page("country=%3Cscript%3Ealert(1)%3C/script%3E&tier=top%2099%25&sort=nonsense&min=150&persona=999&size=7");
        Assert.Contains("data-testid=\"filter-notices\"", unknown);
        Assert.Contains("Country '<script>alert(1)</script>' is not in this ranking — ignored.", unknown);
        Assert.Contains("Tier 'top 99%' is not in this ranking — ignored.", unknown);
        Assert.Contains("'nonsense' is not something to sort by", unknown);
        Assert.Contains("A minimum score of 150 is outside 0–100", unknown);
        Assert.Contains("Persona 999 is not in this ranking", unknown);
        Assert.Contains("7 rows a page is not offered", unknown);
        Assert.Contains("4 persons", unknown);
        Assert.DoesNotContain("data-testid=\"no-rows\"", unknown);
        Assert.DoesNotContain("<script>alert(1)", await client.GetStringAsync("/Rankings?country=%3Cscript%3Ealert(1)%3C/script%3E"));

        // A page beyond the last shows the last, with its pager.
        var far = await Page("page=999999&size=25");
        Assert.Contains("Page 1 of 1", far);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(far, "data-testid=\"row\"").Count);

        // Active filters are chips; each removes itself, "clear all" removes every one.
        var filtered = await client.GetStringAsync("/Rankings?country=GB&profession=nurse&q=cara");
        var chips = System.Text.RegularExpressions.Regex.Matches(filtered, "data-testid=\"chip\"").Count;
        Assert.Equal(3, chips);
        var chip = System.Text.RegularExpressions.Regex.Match(filtered, "<a class=\"badge[^\"]*\" href=\"([^\"]+)\" data-testid=\"chip\"[^>]*><span class=\"visually-hidden\">Remove the filter </span>Country: GB");
        Assert.True(chip.Success, "a chip for the country");
        var withoutCountry = System.Net.WebUtility.HtmlDecode(chip.Groups[1].Value);
        Assert.DoesNotContain("country=", withoutCountry);
        Assert.Contains("profession=nurse", withoutCountry);
        var clear = System.Text.RegularExpressions.Regex.Match(filtered, "href=\"([^\"]+)\" data-testid=\"clear-filters\"");
        var cleared = System.Net.WebUtility.HtmlDecode(clear.Groups[1].Value);
        Assert.DoesNotContain("country=", cleared);
        Assert.DoesNotContain("q=", cleared);
        Assert.Contains("4 persons", await Page(cleared[(cleared.IndexOf('?') + 1)..]));

        // A long search is shortened with a message, not refused by the server with 414.
        var longSearch = await client.GetAsync("/Rankings?q=" + new string('a', 10_000));
        Assert.Equal(HttpStatusCode.OK, longSearch.StatusCode);
        Assert.Contains("The search was shortened to its first 200 characters.", System.Net.WebUtility.HtmlDecode(await longSearch.Content.ReadAsStringAsync()));

        // Page size: 25, 50, 100 or 200 rows, kept in the URL.
        Assert.Contains("<option value=\"100\" selected=\"selected\">100</option>", await client.GetStringAsync("/Rankings?size=100"));
    }

    [Fact]
    public async Task Not_found_is_one_page_that_says_what_was_not_found()
    {
        var connection = await ScoredWorldAsync();
        var ana = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'x:1'"))!;
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.BrandManager);

        async Task NotFound(string path, string reason)
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Contains("data-testid=\"error-page\"", html);
            Assert.Contains(reason, html);
        }
        await NotFound("/Rankings?profile=No%20such%20profile", "There is no ranking of a scoring profile named 'No such profile'");
        await NotFound($"/Profiles/{ana}?profile=Nope", "There is no ranking of a scoring profile named 'Nope'");
        await NotFound($"/Profiles/99999999?profile={Uri.EscapeDataString(Profile.Name)}", $"Nobody with the id 99999999 is ranked in '{Profile.Name}'");
        await NotFound("/Profiles/99999999", "Nobody with the id 99999999 is ranked in any scoring profile");
        await NotFound("/Compare?ids=abc", "'abc' is not a person's id");
        await NotFound("/Compare?profile=Nope&ids=1&ids=2", "There is no ranking of a scoring profile named 'Nope'");
        await NotFound("/no/such/page", "There is no page at this address.");

        // A profile link without its profile lands on the person, under the profile that ranks them.
        var noProfile = await client.GetAsync($"/Profiles/{ana}");
        Assert.Equal(HttpStatusCode.Redirect, noProfile.StatusCode);
        var location = noProfile.Headers.Location!.OriginalString;
        Assert.Equal($"/Profiles/{ana}?profile={Uri.EscapeDataString(Profile.Name)}", location.Replace("+", "%20"));
        Assert.Contains("Dr. Ana Ruiz, MD", System.Net.WebUtility.HtmlDecode(await client.GetStringAsync(location)));
    }

    [Fact]
    public async Task The_score_history_marks_runs_of_a_new_profile_version()
    {
        var connection = await ScoredWorldAsync();
        await using (var scoring = await ScoringServices.CreateAsync(connection, storeModel: false))
        {
            Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
            // New weights: version 2, scored once.
            var saved = await scoring.SaveProfileAsync(Profile with { Weights = new Dictionary<string, double> { ["relevance"] = 0.3, ["activity"] = 1 } });
            Assert.True(saved.Saved, string.Join("; ", saved.Problems));
            Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        }
        var ana = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'x:1'"))!;
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.BrandManager);
        var html = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync($"/Profiles/{ana}?profile={Uri.EscapeDataString(Profile.Name)}"));

        Assert.Contains("data-versions=\"[1,1,2]\"", html);
        Assert.Contains("data-testid=\"history-chart\"", html);
        Assert.Contains("data-testid=\"version-note\"", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "data-testid=\"version-changed\""));
        Assert.Contains("<th scope=\"col\">Profile version</th>", html);
    }

    [Fact]
    public async Task Before_the_first_ranking_the_page_says_a_run_is_on_its_way_and_reloads_when_it_is_done()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.BrandManager);
        // A first run under way (inserted after the start: a start fails runs whose process is gone).
        await Sql.ExecuteAsync(connection, """
            INSERT INTO scoring_profiles (name, active, created_at) VALUES ('Onc first', true, now());
            INSERT INTO scoring_profile_versions (profile_id, version, definition, created_at) SELECT id, 1, '{"name":"Onc first"}', now() FROM scoring_profiles;
            INSERT INTO scoring_runs (profile_id, profile_version_id, status, started_at, data_snapshot_at, person_count)
                SELECT p.id, v.id, 'running', now() - interval '42 seconds', now(), 0 FROM scoring_profiles p JOIN scoring_profile_versions v ON v.profile_id = p.id;
            """);

        var html = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/Rankings"));
        Assert.Contains("data-testid=\"run-on-its-way\"", html);
        Assert.Contains("Scoring “Onc first”: running for 4", html);
        Assert.DoesNotContain("data-testid=\"empty-state\"", html);

        async Task<HttpResponseMessage> PollAsync()
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, "/Rankings?handler=State");
            poll.Headers.Add("HX-Request", "true");
            return await client.SendAsync(poll);
        }
        var still = await PollAsync();
        Assert.False(still.Headers.Contains("HX-Refresh"));
        Assert.Contains("data-testid=\"run-on-its-way\"", await still.Content.ReadAsStringAsync());

        // The run completes: the next poll reloads the page, which then shows the ranking's page.
        await Sql.ExecuteAsync(connection, "UPDATE scoring_runs SET status = 'complete', completed_at = now()");
        var done = await PollAsync();
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("true", Assert.Single(done.Headers.GetValues("HX-Refresh")));
    }

    [Fact]
    public async Task Without_a_complete_run_the_page_says_how_to_get_one()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection);
        var html = await (await app.SignInAsync(Roles.Analyst)).GetStringAsync("/Rankings");
        Assert.Contains("data-testid=\"empty-state\"", html);
    }

    [Fact]
    public async Task Platform_relationship_and_minimum_score_filters_narrow_the_ranking()
    {
        var connection = await ScoredWorldAsync();
        await using var dataSource = NpgsqlDataSource.Create(connection);
        var query = new RankingQuery(dataSource);
        var all = await query.PageAsync(new RankingFilter(), CancellationToken.None);
        Assert.Equal("Dev Patel, PharmD", Assert.Single((await query.PageAsync(new RankingFilter(Platform: "bluesky"), CancellationToken.None))!.Rows).Name);
        Assert.Contains("bluesky:dev.bsky.social", all!.Rows[0].Handles);
        Assert.Equal("Cara Dunn, RN", Assert.Single((await query.PageAsync(new RankingFilter(Relationship: "advisory_board"), CancellationToken.None))!.Rows).Name);
        Assert.Equal("Cara Dunn, RN", Assert.Single((await query.PageAsync(new RankingFilter(Relationship: RankingFilter.AnyRelationship), CancellationToken.None))!.Rows).Name);
        Assert.Empty((await query.PageAsync(new RankingFilter(Relationship: "speaker"), CancellationToken.None))!.Rows);
        var threshold = all.Rows[1].Score;
        var strong = await query.PageAsync(new RankingFilter(MinScore: threshold), CancellationToken.None);
        Assert.Equal(all.Rows.Where(r => r.Score >= threshold).Select(r => r.Name), strong!.Rows.Select(r => r.Name));
        Assert.Equal(2, strong.Total);
        // A handle search finds a person by any of their accounts, with or without the @.
        Assert.Equal("Dev Patel, PharmD", Assert.Single((await query.PageAsync(new RankingFilter(Search: "@dev.bsky"), CancellationToken.None))!.Rows).Name);
    }

    [Fact]
    public async Task The_csv_of_a_view_has_the_rows_the_screen_shows_and_only_analysts_and_admins_get_it()
    {
        var connection = await ScoredWorldAsync();
        await Sql.ExecuteAsync(connection, "INSERT INTO opt_outs (platform, handle, reason, created_at) VALUES ('x', 'USER4', 'request', now())");
        await using var app = await TestApp.StartAsync(connection);
        var analyst = await app.SignInAsync(Roles.Analyst);
        var view = "profile=" + Uri.EscapeDataString(Profile.Name) + "&country=GB&sort=activity";
        using var page = new HttpRequestMessage(HttpMethod.Get, "/Rankings?" + view);
        page.Headers.Add("HX-Request", "true");
        var html = System.Net.WebUtility.HtmlDecode(await (await analyst.SendAsync(page)).Content.ReadAsStringAsync());
        var screen = System.Text.RegularExpressions.Regex.Matches(html, "data-testid=\"rank\">(\\d+)</td>\\s*<td class=\"dm-name\"><div class=\"fw-semibold\"><a [^>]+>([^<]+)</a>")
            .Select(m => (Rank: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Name: m.Groups[2].Value)).ToList();
        Assert.Equal([(1, "Cara Dunn, RN")], screen);
        Assert.Contains("/Rankings/export.csv?", html);

        var response = await analyst.GetAsync("/Rankings/export.csv?" + view + "&bom=1");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Matches("^dolmapper-rank-test-\\d{4}-\\d{2}-\\d{2}\\.csv$", disposition.FileNameStar);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var rows = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", RankingCsv.Header), rows[0]);
        Assert.Equal(screen.Select(r => $"{r.Rank},{r.Name}"), rows.Skip(1).Select(r => r.Split(',')[0] + "," + CsvName(r)));

        // The whole ranking: the opted-out person is missing and the ranks are closed up, as on screen.
        var whole = (await analyst.GetStringAsync("/Rankings/export.csv?profile=" + Uri.EscapeDataString(Profile.Name))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["1", "2", "3"], whole.Skip(1).Select(r => r.Split(',')[0]));
        Assert.DoesNotContain(whole, r => r.Contains("Dev Patel", StringComparison.Ordinal));
        Assert.Equal(2L, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'export.csv' AND user_name IS NOT NULL AND details -> 'audit' -> 'filter' ->> 'Country' IS NOT DISTINCT FROM details -> 'audit' -> 'filter' ->> 'Country'"));
        Assert.Equal(1L, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'export.csv' AND details -> 'request' -> 'audit' -> 'filter' ->> 'Country' = 'GB' AND (details -> 'request' ->> 'bom')::boolean"));

        var manager = await app.SignInAsync(Roles.BrandManager);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await manager.GetAsync("/Rankings/export.csv?" + view)).StatusCode);
        Assert.DoesNotContain("/Rankings/export.csv", await manager.GetStringAsync("/Rankings?" + view));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await analyst.GetAsync("/Rankings/export.csv?profile=Nope")).StatusCode);
    }

    private static string CsvName(string row)
    {
        // Names in this world hold a comma, so CsvHelper quotes them: rank,person_id,"Name, RN",...
        var start = row.IndexOf('"', StringComparison.Ordinal);
        return row[(start + 1)..row.IndexOf('"', start + 1)];
    }

    [Fact]
    public async Task Shortlists_are_made_from_rankings_kept_with_notes_and_exported_without_opted_out_persons()
    {
        var connection = await ScoredWorldAsync();
        var ids = new Dictionary<string, long>();
        foreach (var key in new[] { "x:1", "x:2", "x:3" })
        {
            ids[key] = (long)(await Sql.ScalarAsync(connection, $"SELECT id FROM persons WHERE public_id = '{key}'"))!;
        }
        await using var app = await TestApp.StartAsync(connection);
        var analyst = await app.SignInAsync(Roles.Analyst);
        var rankings = await analyst.GetStringAsync("/Rankings");
        var token = System.Text.RegularExpressions.Regex.Match(rankings, "\"RequestVerificationToken\": \"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using var add = new HttpRequestMessage(HttpMethod.Post, "/Shortlists?handler=Add")
        {
            Content = new FormUrlEncodedContent([
                new("profile", Profile.Name), new("shortlist", ""), new("newName", "Breast cancer voices"),
                new("ids", ids["x:1"].ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("ids", ids["x:3"].ToString(System.Globalization.CultureInfo.InvariantCulture)), new("note", "advisory board?")]),
        };
        add.Headers.Add("HX-Request", "true");
        add.Headers.Add("RequestVerificationToken", token);
        var status = await (await analyst.SendAsync(add)).Content.ReadAsStringAsync();
        Assert.Contains("Added 2 to &#39;Breast cancer voices&#39;", status);

        var listId = (int)(await Sql.ScalarAsync(connection, "SELECT id FROM shortlists WHERE name = 'Breast cancer voices'"))!;
        var detail = System.Net.WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Shortlists/{listId}"));
        Assert.Contains("Dr. Ana Ruiz, MD", detail);
        Assert.Contains("Cara Dunn, RN", detail);
        Assert.DoesNotContain("Ben Cole, MD", detail);
        Assert.Contains("value=\"advisory board?\"", detail);
        Assert.Contains("Breast cancer voices", await analyst.GetStringAsync("/Shortlists"));

        var csv = (await analyst.GetStringAsync($"/Shortlists/{listId}/export.csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, csv.Length);
        Assert.Contains(csv, r => r.Contains("Cara Dunn, RN", StringComparison.Ordinal) && r.Contains("advisory_board", StringComparison.Ordinal));
        // The list's own columns last: each person's note, who added them and when; and a link back to each person's page.
        var header = DolMapper.Web.Tests.Scoring.ScoringRunTests.ParseCsvLine(csv[0]);
        Assert.Equal([.. RankingCsv.Header, .. RankingCsv.ShortlistColumns], header);
        var cara = DolMapper.Web.Tests.Scoring.ScoringRunTests.ParseCsvLine(csv.Single(r => r.Contains("Cara Dunn, RN", StringComparison.Ordinal)));
        var cell = header.Zip(cara).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("advisory board?", cell["shortlist_note"]);
        Assert.Equal(TestApp.Demo(Roles.Analyst).Email, cell["added_by"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", cell["added_at"]);
        Assert.Equal($"/Profiles/{ids["x:3"]}?profile={Uri.EscapeDataString(Profile.Name)}", cell["profile_url"]);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync(cell["profile_url"])).StatusCode);
        // Scores and signals to one decimal.
        Assert.Matches(@"^\d+(\.\d)?$", cell["score"]);
        Assert.All(Questions.All, q => Assert.Matches(@"^\d+(\.\d)?$", cell[q]));

        await Sql.ExecuteAsync(connection, $"INSERT INTO opt_outs (person_id, reason, created_at) VALUES ({ids["x:1"]}, 'request', now())");
        csv = (await analyst.GetStringAsync($"/Shortlists/{listId}/export.csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, csv.Length);
        Assert.DoesNotContain("Dr. Ana Ruiz", System.Net.WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Shortlists/{listId}")));

        var manager = await app.SignInAsync(Roles.BrandManager);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await manager.GetAsync("/Shortlists")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await manager.GetAsync($"/Shortlists/{listId}/export.csv")).StatusCode);
    }

    [Fact]
    public async Task Compare_shows_two_to_four_persons_side_by_side_and_the_profile_shows_activity_topics_and_peers()
    {
        var connection = await ScoredWorldAsync();
        var ana = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'x:1'"))!;
        var ben = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'x:2'"))!;
        await using var app = await TestApp.StartAsync(connection);
        var manager = await app.SignInAsync(Roles.BrandManager);
        var profile = Uri.EscapeDataString(Profile.Name);
        var compare = System.Net.WebUtility.HtmlDecode(await manager.GetStringAsync($"/Compare?profile={profile}&ids={ana}&ids={ben}"));
        Assert.Contains("data-testid=\"compare-radar\"", compare);
        Assert.Contains("Dr. Ana Ruiz, MD", compare);
        Assert.Contains("Ben Cole, MD", compare);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(compare, "data-testid=\"compare-score\"").Count);
        Assert.Contains("Tick two to four", await manager.GetStringAsync($"/Compare?profile={profile}&ids={ana}"));

        var page = System.Net.WebUtility.HtmlDecode(await manager.GetStringAsync($"/Profiles/{ana}?profile={profile}"));
        Assert.Contains("data-testid=\"activity\"", page);
        Assert.Contains("#bcsm", page);
        Assert.Contains("nejm.org", page);
        // Ben replied to Ana three times and mentioned her in each: six interactions from a scored peer.
        var engagedBy = page[page.IndexOf("data-testid=\"engaged-by\"", StringComparison.Ordinal)..];
        Assert.Matches("Ben Cole, MD</a>[^<]*<span[^>]*>[^<]*</span></td>\\s*<td class=\"text-end\">\\d+</td><td class=\"text-end\">6</td>", engagedBy);
        Assert.Contains("https://x.com/user1/status/", page.Replace("view on the platform", ""));
        Assert.Contains("CRM: no relationship on record", page);
        var cara = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'x:3'"))!;
        Assert.Contains("CRM: advisory board since 2024-05-01", System.Net.WebUtility.HtmlDecode(await manager.GetStringAsync($"/Profiles/{cara}?profile={profile}")));
    }
}
