using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Events;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Events;

/// <summary>
/// Events (docs/events.md) on a hand-built world: a three-day congress in Los Angeles time, a leader
/// who talked about the topic for weeks, a new voice who did not, an old hand, a post at 23:30 local
/// time on the last day. Saved and versioned from JSON, read by the analyzer, shown on the pages and
/// exported by page and command line.
/// </summary>
public sealed class EventsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Events test", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    private const string EventJson = """
        {"name": "Summit 2026", "kind": "congress", "series": "Summit", "hashtags": ["summit26"], "start": "2026-09-14", "end": "2026-09-16",
         "time_zone": "America/Los_Angeles", "location": "San Diego, USA", "profile": "Events test"}
        """;

    // Pacific daylight time: local midnight of the first day is 07:00 UTC.
    private static readonly DateTime Start = new(2026, 9, 14, 7, 0, 0, DateTimeKind.Utc);

    private async Task<string> WorldAsync()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>();
        for (var a = 1; a <= 6; a++)
        {
            lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"{a}", handle = $"onc{a}", name = $"Dr. Onc {a}, MD", bio = "Medical oncologist. Breast cancer trials.", country = "US", followers = 1000 * a }));
        }
        lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = "7", handle = "fan7", name = "Sam", bio = "Dog lover, coffee, football.", country = "US" }));
        var id = 0;
        void Post(int account, DateTime at, string[] tags, int likes = 0, object? reply = null, string? url = null) =>
            lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "x", id = $"{++id}", account_id = $"{account}", created_at = at.ToString("O"), text = "Talking oncology " + string.Join(" ", tags.Select(t => "#" + t)), hashtags = tags, likes, reply_to = reply, urls = url is null ? null : new[] { url } }));
        // Before: the leader (1) and the old hand (3) talk about the topic for weeks; the new voice (2) does not.
        for (var d = 25; d >= 1; d -= 3)
        {
            Post(1, Start.AddDays(-d), ["bcsm"], 5);
            Post(3, Start.AddDays(-d).AddHours(2), ["bcsm"], 5);
        }
        Post(1, Start.AddDays(-2), ["summit26"], 10);
        // During: the leader, the new voice, the old hand, a quiet participant (5) with one post.
        for (var h = 0; h < 60; h += 12)
        {
            Post(1, Start.AddHours(h + 1), ["summit26"], 400, url: h == 0 ? "https://onc1.substack.com/p/summit-day-one" : "https://www.nejm.org/doi/full/10.1056/NEJMoa2600001");
        }
        for (var h = 0; h < 48; h += 16)
        {
            Post(2, Start.AddHours(h + 3), ["summit26", "bcsm"], 150);
            Post(3, Start.AddHours(h + 4), ["summit26"], 100);
        }
        Post(5, Start.AddHours(10), ["summit26"], 1);
        // The public account replies to the leader during the event (its audience).
        lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "x", id = $"{++id}", account_id = "7", created_at = Start.AddHours(20).ToString("O"), text = "Great talk!", reply_to = new { post_id = "10", account_id = "1" } }));
        Post(6, Start.AddHours(21), ["bcsm"], 1, new { post_id = "10", account_id = "1" });
        // 23:30 local time on the last day (06:30 UTC the next day) is during; 00:30 local after it is after.
        Post(4, new DateTime(2026, 9, 17, 6, 30, 0, DateTimeKind.Utc), ["summit26"], 20);
        Post(4, new DateTime(2026, 9, 17, 7, 30, 0, DateTimeKind.Utc), ["summit26"], 20);
        Post(2, Start.AddDays(5), ["summit26"], 30);
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        var run = Assert.Single(await scoring.ScoreAsync());
        Assert.True(run.Complete, run.Message);
        return db.ConnectionString;
    }

    [Fact]
    public async Task An_event_is_versioned_read_in_its_time_zone_and_shows_its_leaders_and_new_voices()
    {
        var connection = await WorldAsync();
        await using var scoring = await ScoringServices.CreateAsync(connection);

        // Bad input stores nothing; a valid file creates version 1, the same again changes nothing, a change makes version 2.
        var refused = await scoring.InScopeAsync(sp => sp.GetRequiredService<EventStore>().ImportAsync(EventJson.Replace("Events test", "No such profile"), "analyst", CancellationToken.None));
        Assert.Contains(refused.Problems, p => p.Contains("no scoring profile named 'No such profile'"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM events"));
        var created = await scoring.InScopeAsync(sp => sp.GetRequiredService<EventStore>().ImportAsync(EventJson, "analyst", CancellationToken.None));
        Assert.True(created.Ok, string.Join(" ", created.Problems));
        Assert.True(Assert.Single(created.Saved).Created);
        var same = await scoring.InScopeAsync(sp => sp.GetRequiredService<EventStore>().ImportAsync(EventJson, "analyst", CancellationToken.None));
        Assert.False(Assert.Single(same.Saved).NewVersion);
        var changed = await scoring.InScopeAsync(sp => sp.GetRequiredService<EventStore>().ImportAsync(EventJson.Replace("San Diego, USA", "San Diego, California"), "analyst", CancellationToken.None));
        Assert.Equal(2, Assert.Single(changed.Saved).Event.Version);
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => Sql.ExecuteAsync(connection, "UPDATE event_versions SET version = 9"));

        var report = await scoring.InScopeAsync(sp => sp.GetRequiredService<EventAnalyzer>().AnalyzeAsync("Summit 2026", CancellationToken.None));
        Assert.NotNull(report);
        Assert.True(report.Succeeded, report.Message);
        string Role(string handle) => $"SELECT e.role FROM event_persons e JOIN accounts a ON a.person_id = e.person_id WHERE a.handle = '{handle}'";
        async Task<long> Count(string column, string handle) => await Sql.CountAsync(connection, $"SELECT e.{column} FROM event_persons e JOIN accounts a ON a.person_id = e.person_id WHERE a.handle = '{handle}'");
        Assert.Equal("leader", await Sql.ScalarAsync(connection, Role("onc1")));
        Assert.Equal(1, await Count("rank", "onc1"));
        Assert.Equal(5, await Count("posts_during", "onc1"));
        Assert.Equal(1, await Count("posts_before", "onc1"));
        Assert.Equal(10, await Count("topic_posts_before", "onc1"));
        Assert.Equal(1000, await Count("reach_during", "onc1"));
        Assert.Equal(2, await Count("audience", "onc1"));
        Assert.Equal(1, await Count("hcp_audience", "onc1"));
        Assert.Equal("new_voice", await Sql.ScalarAsync(connection, Role("onc2")));
        Assert.Equal(1, await Count("posts_after", "onc2"));
        Assert.NotEqual("new_voice", await Sql.ScalarAsync(connection, Role("onc3")));
        // One post is not a voice.
        Assert.NotEqual("new_voice", await Sql.ScalarAsync(connection, Role("onc5")));
        // The time zone: 23:30 local on the last day counts as during, 00:30 the day after as after.
        Assert.Equal(1, await Count("posts_during", "onc4"));
        Assert.Equal(1, await Count("posts_after", "onc4"));
        // A three-day event is shown by the hour, in its time zone.
        Assert.True(await Sql.CountAsync(connection, "SELECT count(*) FROM event_buckets WHERE hours = 1") > 0);
        Assert.Equal(1, await Sql.CountAsync(connection, $"SELECT count(*) FROM event_buckets WHERE hours = 24 AND starts_at = '{Start:yyyy-MM-dd HH:mm}+00'"));

        await using var app = await TestApp.StartAsync(connection);
        var manager = await app.SignInAsync(Roles.BrandManager);
        var list = WebUtility.HtmlDecode(await manager.GetStringAsync("/Events"));
        Assert.Contains("data-name=\"Summit 2026\"", list);
        Assert.DoesNotContain("event-json", list);
        var page = WebUtility.HtmlDecode(await manager.GetStringAsync("/Events/Event?name=Summit%202026"));
        Assert.Matches("data-testid=\"leader\" data-person=\"[^\"]+\" data-rank=\"1\" data-role=\"leader\"", page);
        Assert.Contains("data-testid=\"new-voice\"", page);
        Assert.Contains("Dr. Onc 2, MD", page);
        Assert.Contains("data-phase=\"0\" data-posts=\"13\"", page);
        Assert.DoesNotContain("data-testid=\"event-csv\"", page);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/Events/Event?name=Nothing")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await manager.GetAsync("/Events/report.csv?name=Summit%202026")).StatusCode);

        // The rankings filter "took part in event X".
        var all = WebUtility.HtmlDecode(await manager.GetStringAsync("/Rankings?profile=Events%20test"));
        Assert.Contains("Dr. Onc 6, MD", all);
        Assert.Contains("<option value=\"Summit 2026\"", all);
        var took = WebUtility.HtmlDecode(await manager.GetStringAsync("/Rankings?profile=Events%20test&event=Summit%202026"));
        Assert.Contains("Dr. Onc 1, MD", took);
        Assert.DoesNotContain("Dr. Onc 6, MD", took);

        // The DOL page lists the event and the role.
        var person = (long)(await Sql.ScalarAsync(connection, "SELECT person_id FROM accounts WHERE handle = 'onc2'"))!;
        var dol = WebUtility.HtmlDecode(await manager.GetStringAsync($"/Profiles/{person}?profile={Uri.EscapeDataString(Profile.Name)}"));
        Assert.Contains("data-testid=\"person-events\"", dol);
        Assert.Contains("New voice", dol);

        var analyst = await app.SignInAsync(Roles.Analyst);
        var csv = (await analyst.GetStringAsync("/Events/report.csv?name=Summit%202026")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rank,person_id,name,handles,profession,specialty,country,posts_during,engagement_during,reach_during,hcp_audience_share,posts_before,new_voice,dol_score,profile", csv[0]);
        Assert.StartsWith("1,", csv[1]);
        Assert.Contains("x:onc1", csv[1]);
        Assert.Contains(",false,", csv[1]);
        Assert.EndsWith(",Events test", csv[1]);
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'export.event.csv'"));

        // The analyst edits events on the list page, from the latest version or an earlier one.
        var editor = WebUtility.HtmlDecode(await analyst.GetStringAsync("/Events?edit=Summit%202026"));
        Assert.Contains("event-json", editor);
        Assert.Contains("San Diego, California", editor);
        var analystPage = WebUtility.HtmlDecode(await analyst.GetStringAsync("/Events/Event?name=Summit%202026"));
        Assert.Contains("data-testid=\"event-versions\"", analystPage);
        var earlier = WebUtility.HtmlDecode(await analyst.GetStringAsync("/Events?edit=Summit%202026&version=1"));
        Assert.Contains("San Diego, USA", earlier);

        // An event running now, with no posts yet: shown as running, "after" not yet, and an honest empty state.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var running = $$"""{"name": "Running day", "kind": "awareness_day", "hashtags": ["nothingyet"], "start": "{{today.AddDays(-1):yyyy-MM-dd}}", "end": "{{today.AddDays(1):yyyy-MM-dd}}"}""";
        Assert.True((await scoring.InScopeAsync(sp => sp.GetRequiredService<EventStore>().ImportAsync(running, "analyst", CancellationToken.None))).Ok);
        var notRead = WebUtility.HtmlDecode(await manager.GetStringAsync("/Events/Event?name=Running%20day"));
        Assert.Contains("data-testid=\"event-not-read\"", notRead);
        Assert.True((await scoring.InScopeAsync(sp => sp.GetRequiredService<EventAnalyzer>().AnalyzeAsync("Running day", CancellationToken.None)))!.Succeeded);
        var runningPage = WebUtility.HtmlDecode(await manager.GetStringAsync("/Events/Event?name=Running%20day"));
        Assert.Contains("Running now", runningPage);
        Assert.Contains("data-testid=\"event-empty\"", runningPage);
        Assert.Matches("data-phase=\"1\" data-posts=\"0\">\\s*<th scope=\"row\">After</th>(.|\\n)*?not yet", runningPage);

        // The command line: export, report.
        var database = $"--ConnectionStrings:DolMapper={connection}";
        var directory = TestPaths.NewTempDirectory("events-cli");
        try
        {
            await using (var export = await CliProcess.RunAsync(["events", "export", "Summit 2026", database]))
            {
                Assert.True(export.ExitCode == 0, export.StandardError);
                Assert.Contains("\"location\": \"San Diego, California\"", export.StandardOutput);
            }
            var file = Path.Combine(directory, "summit.csv");
            await using (var cli = await CliProcess.RunAsync(["events", "report", "Summit 2026", "--out", file, database]))
            {
                Assert.True(cli.ExitCode == 0, cli.StandardError);
            }
            var rows = await File.ReadAllLinesAsync(file);
            Assert.Equal(csv.Length, rows.Length);
            await using var missing = await CliProcess.RunAsync(["events", "report", "Nothing", database]);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("no event named 'Nothing'", missing.StandardError);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Erasing_a_person_takes_their_rows_their_top_posts_and_the_links_that_name_them()
    {
        var connection = await WorldAsync();
        await using var scoring = await ScoringServices.CreateAsync(connection);
        Assert.True((await scoring.InScopeAsync(sp => sp.GetRequiredService<EventStore>().ImportAsync(EventJson, "analyst", CancellationToken.None))).Ok);
        Assert.True((await scoring.InScopeAsync(sp => sp.GetRequiredService<EventAnalyzer>().AnalyzeAsync("Summit 2026", CancellationToken.None)))!.Succeeded);
        var person = (long)(await Sql.ScalarAsync(connection, "SELECT person_id FROM accounts WHERE handle = 'onc1'"))!;
        Assert.Equal(1, await Sql.CountAsync(connection, $"SELECT count(*) FROM event_persons WHERE person_id = {person}"));
        Assert.True(await Sql.CountAsync(connection, $"SELECT count(*) FROM event_analyses a, jsonb_array_elements(a.details -> 'top_posts') t WHERE (t ->> 'person_id')::bigint = {person}") > 0);
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM event_analyses a, jsonb_array_elements(a.details -> 'links') l WHERE l ->> 'url' LIKE '%onc1.substack%'"));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM event_analyses a, jsonb_array_elements(a.details -> 'links') l WHERE l ->> 'kind' = 'journal'"));

        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(connection);
        var erased = await new DolMapper.Web.Compliance.OptOutRegistry(dataSource).EraseAsync(person, "DSR", "admin", CancellationToken.None);
        Assert.True(erased.Done, erased.Message);
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM event_persons WHERE person_id = {person}"));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM event_analyses a, jsonb_array_elements(a.details -> 'top_posts') t WHERE (t ->> 'person_id')::bigint = {person}"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM event_analyses a, jsonb_array_elements(a.details -> 'links') l WHERE l ->> 'url' LIKE '%onc1%'"));
        // A reading a crash left marked running (its process gone) is failed by the recovery, and its rows go.
        var version = await Sql.ScalarAsync(connection, "SELECT id FROM event_versions ORDER BY id DESC LIMIT 1");
        var dead = await Sql.ScalarAsync(connection, $"INSERT INTO event_analyses (event_id, event_version_id, status, started_at, details) SELECT event_id, id, 'running', now(), '{{}}' FROM event_versions WHERE id = {version} RETURNING id");
        await Sql.ExecuteAsync(connection, $"INSERT INTO event_persons (analysis_id, person_id, rank, posts_before, posts_during, posts_after, engagement_before, engagement_during, engagement_after, reach_during, audience, hcp_audience, topic_posts_before, hcp, new_voice, role) SELECT {dead}, person_id, rank, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, hcp, false, 'participant' FROM event_persons LIMIT 2");
        var recovered = await new DolMapper.Web.Infrastructure.Jobs.InterruptedWork(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<DolMapper.Web.Infrastructure.Jobs.InterruptedWork>.Instance).RecoverAsync(CancellationToken.None);
        Assert.Equal([Convert.ToInt64(dead)], recovered.EventReadings);
        Assert.Equal("failed", await Sql.ScalarAsync(connection, $"SELECT status FROM event_analyses WHERE id = {dead}"));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM event_persons WHERE analysis_id = {dead}"));
        Assert.Equal("complete", await Sql.ScalarAsync(connection, "SELECT status FROM event_analyses WHERE status = 'complete' LIMIT 1"));

        // Others' rows and the counts stay.
        Assert.True(await Sql.CountAsync(connection, "SELECT count(*) FROM event_persons") > 0);
        Assert.True(await Sql.CountAsync(connection, "SELECT count(*) FROM event_analyses a, jsonb_array_elements(a.details -> 'top_posts') t") > 0);
        Assert.True(await Sql.CountAsync(connection, "SELECT count(*) FROM event_buckets") > 0);

        // Read once, an event is read again only when posts were stored since (an import, here a backfill of an old day).
        Assert.Empty(await scoring.InScopeAsync(sp => sp.GetRequiredService<EventAnalyzer>().AnalyzeAllAsync(onlyStale: true, CancellationToken.None)));
        await using (var more = await ImportDatabase.AttachAsync(connection))
        {
            Assert.True((await more.ImportAsync([JsonSerializer.Serialize(new { type = "post", platform = "x", id = "backfill-1", account_id = "3", created_at = "2026-01-05T10:00:00Z", text = "Old news #bcsm", hashtags = new[] { "bcsm" } })])).Clean);
        }
        Assert.Single(await scoring.InScopeAsync(sp => sp.GetRequiredService<EventAnalyzer>().AnalyzeAllAsync(onlyStale: true, CancellationToken.None)));
        Assert.Empty(await scoring.InScopeAsync(sp => sp.GetRequiredService<EventAnalyzer>().AnalyzeAllAsync(onlyStale: true, CancellationToken.None)));
    }

    [Fact]
    public async Task Analysts_create_events_on_the_page_a_bad_one_is_refused_with_its_reasons_and_brand_managers_cannot()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var analyst = await app.SignInAsync(Roles.Analyst);
        async Task<HttpResponseMessage> SaveAsync(HttpClient client, string json)
        {
            var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Json"] = json, ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await client.GetStringAsync("/Events")) });
            return await client.PostAsync("/Events", form);
        }
        var editor = WebUtility.HtmlDecode(await analyst.GetStringAsync("/Events?create=true"));
        Assert.Contains("\"kind\": \"congress\"", editor);

        var bad = WebUtility.HtmlDecode(await (await SaveAsync(analyst, EventJson.Replace("\"end\": \"2026-09-16\"", "\"end\": \"2026-09-01\"").Replace("America/Los_Angeles", "Moon/Base"))).Content.ReadAsStringAsync());
        Assert.Contains("data-testid=\"event-problems\"", bad);
        Assert.Contains("end: 2026-09-01 is before the start", bad);
        Assert.Contains("time_zone: 'Moon/Base' is not a time zone", bad);
        Assert.Equal(0, await Sql.CountAsync(db.ConnectionString, "SELECT count(*) FROM events"));

        var saved = await SaveAsync(analyst, EventJson);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("/Events/Event?name=Summit%202026", saved.Headers.Location!.OriginalString);
        Assert.Equal(1, await Sql.CountAsync(db.ConnectionString, "SELECT count(*) FROM event_versions"));
        Assert.Equal(1, await Sql.CountAsync(db.ConnectionString, "SELECT count(*) FROM audit_log WHERE action = 'event.created' AND target = 'Summit 2026'"));

        // A brand manager reads events but cannot save one (the page has no editor for them, and a post is refused).
        var manager = await app.SignInAsync(Roles.BrandManager);
        Assert.DoesNotContain("event-json", await manager.GetStringAsync("/Events?create=true"));
        var refused = await SaveAsync(manager, EventJson.Replace("Summit 2026", "Summit 2027"));
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal(1, await Sql.CountAsync(db.ConnectionString, "SELECT count(*) FROM events"));
    }
}
