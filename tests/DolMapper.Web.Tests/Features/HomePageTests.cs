using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

/// <summary>The home page (docs/dashboard.md, "Home"): headline rankings with movement, run states, data freshness, first steps.</summary>
public sealed class HomePageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Home onc", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    private static string Account(int a, string name, string bio) =>
        JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"{a}", handle = $"user{a}", name, bio, country = "GB" });

    private static IEnumerable<string> Posts(int a, int count) => Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new
    {
        type = "post", platform = "x", id = $"{a * 1000 + i}", account_id = $"{a}",
        created_at = new DateTime(2026, 9, 1, 9, 0, 0, DateTimeKind.Utc).AddDays(i).ToString("O"), text = "news #bcsm", hashtags = new[] { "bcsm" },
    }));

    private static string Html(string html) => WebUtility.HtmlDecode(html);

    [Fact]
    public async Task The_home_page_shows_each_profiles_top_five_climbers_and_newcomers_since_the_previous_run()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        string[] names = ["Dr. Ana Ruiz, MD", "Ben Cole, MD", "Cara Dunn, RN", "Dev Patel, PharmD", "Eve Moss, MD", "Finn Lee, MD"];
        var lines = new List<string>();
        for (var a = 1; a <= names.Length; a++)
        {
            lines.Add(Account(a, names[a - 1], "Medical oncologist. Breast cancer trials."));
            lines.AddRange(Posts(a, a * 3));
        }
        lines.Add(JsonSerializer.Serialize(new { type = "relationship", platform = "x", account_id = "1", kind = "advisory_board", since = "2025-05-01" }));
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);

        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var client = await app.SignInAsync(Roles.BrandManager);
        var first = Html(await client.GetStringAsync("/"));
        // The first run: the most active first, no movement yet.
        Assert.Contains("data-testid=\"profile-card\"", first);
        var top = first[first.IndexOf("data-testid=\"top-five\"", StringComparison.Ordinal)..];
        Assert.True(top.IndexOf("Finn Lee", StringComparison.Ordinal) < top.IndexOf("Eve Moss", StringComparison.Ordinal));
        Assert.DoesNotContain("Ana Ruiz", top[..top.IndexOf("</ol>", StringComparison.Ordinal)]);
        Assert.Contains("climbers and newcomers show after the next", first);

        // A newcomer with the most posts, and a profile version that values the advisory board.
        Assert.True((await db.ImportAsync([Account(7, "Gus Hart, MD", "Medical oncologist."), .. Posts(7, 40)])).Clean);
        Assert.True((await scoring.SaveProfileAsync(Profile with { Weights = new Dictionary<string, double> { ["relevance"] = 0.2, ["activity"] = 0.2, ["relationship"] = 1 } })).Saved);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);

        var second = Html(await client.GetStringAsync("/"));
        var climbers = second[second.IndexOf("data-testid=\"climbers\"", StringComparison.Ordinal)..second.IndexOf("data-testid=\"new-entrants\"", StringComparison.Ordinal)];
        Assert.Contains("Dr. Ana Ruiz, MD", climbers);
        Assert.Matches(@"#\d → #1\b", climbers);
        var newcomers = second[second.IndexOf("data-testid=\"new-entrants\"", StringComparison.Ordinal)..];
        Assert.Contains("Gus Hart, MD", newcomers);
        Assert.Contains("not ranked before", newcomers);
        Assert.Contains("version 2", second);
        // Movement beside each of the top five; people link to their DOL page of this profile.
        Assert.Matches("▲\\d", second);
        Assert.Contains("?profile=Home%20onc", second);
    }

    [Fact]
    public async Task Each_profile_says_whether_a_run_is_queued_running_or_failed_and_why()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync([Account(1, "Ana Ruiz, MD", "Oncologist."), .. Posts(1, 2)])).Clean);
        var connection = db.ConnectionString;
        await using var app = await TestApp.StartAsync(connection);
        await Sql.ExecuteAsync(connection, """
            INSERT INTO scoring_profiles (name, active, created_at) VALUES ('Runs now', true, now()), ('Broke', true, now()), ('Waits', true, now());
            INSERT INTO scoring_profile_versions (profile_id, version, definition, created_at) SELECT id, 1, jsonb_build_object('name', name), now() FROM scoring_profiles;
            INSERT INTO scoring_runs (profile_id, profile_version_id, status, started_at, data_snapshot_at, person_count, details)
                SELECT p.id, v.id, 'running', now(), now(), 0, '{"stage": "computing signals and PageRank", "step": 4, "steps": 5}'
                FROM scoring_profiles p JOIN scoring_profile_versions v ON v.profile_id = p.id WHERE p.name = 'Runs now';
            INSERT INTO scoring_runs (profile_id, profile_version_id, status, started_at, completed_at, data_snapshot_at, person_count, error)
                SELECT p.id, v.id, 'failed', now(), now(), now(), 0, 'no posts in the database yet: import or ingest some first.'
                FROM scoring_profiles p JOIN scoring_profile_versions v ON v.profile_id = p.id WHERE p.name = 'Broke';
            """);
        // A scoring job parked in a queue no worker reads: queued, as long as it waits.
        var waits = (int)(await Sql.ScalarAsync(connection, "SELECT id FROM scoring_profiles WHERE name = 'Waits'"))!;
        new BackgroundJobClient(app.Services.GetRequiredService<JobStorage>())
            .Create<ScoringRunJob>(job => job.RunAsync(waits, "test", CancellationToken.None), new EnqueuedState("parked"));

        foreach (var page in new[] { "/", "/Admin/Profiles" })
        {
            var html = Html(await (await app.SignInAsync(Roles.Admin)).GetStringAsync(page));
            string Card(string name)
            {
                var at = html.IndexOf(name, StringComparison.Ordinal);
                Assert.True(at >= 0, $"{page}: {name} missing");
                var state = html.IndexOf("data-testid=\"run-state\"", at, StringComparison.Ordinal);
                return html[state..html.IndexOf("</div>", html.IndexOf("</div>", state, StringComparison.Ordinal) + 6, StringComparison.Ordinal)];
            }
            Assert.Contains("data-state=\"running\"", Card("Runs now"));
            Assert.Contains("computing signals and PageRank (step 4 of 5)", Card("Runs now"));
            Assert.Contains("aria-valuenow=\"60\"", Card("Runs now"));
            Assert.Contains("data-state=\"failed\"", Card("Broke"));
            Assert.Contains("no posts in the database yet", Card("Broke"));
            Assert.Contains("data-state=\"queued\"", Card("Waits"));
            // Work under way: the state refreshes itself.
            Assert.Contains("hx-trigger=\"every 5s\"", html);
        }
    }

    [Fact]
    public async Task Data_freshness_lists_each_source_and_file_imports_with_their_last_complete_pass()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync([Account(1, "Ana Ruiz, MD", "Oncologist."), .. Posts(1, 2)])).Clean);
        await Sql.ExecuteAsync(db.ConnectionString, """
            INSERT INTO sources (name, kind, enabled, settings, created_at, updated_at) VALUES ('Bluesky oncology', 'bluesky', true, '{}', now(), now());
            INSERT INTO ingestion_runs (source_id, kind, started_at, finished_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, details)
                SELECT id, 'ingest', now() - interval '3 hours', now() - interval '3 hours', 'complete', 10, 7, 0, 0, 0, 0, 1, 0, '{}' FROM sources;
            INSERT INTO ingestion_runs (source_id, kind, started_at, finished_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, message, details)
                SELECT id, 'ingest', now() - interval '1 hour', now() - interval '1 hour', 'failed', 0, 0, 0, 0, 0, 1, 1, 0, 'the API answered 401: the token is not valid', '{}' FROM sources;
            """);
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var html = Html(await (await app.SignInAsync(Roles.Analyst)).GetStringAsync("/"));
        var freshness = html[html.IndexOf("data-testid=\"freshness\"", StringComparison.Ordinal)..];
        Assert.Contains("Bluesky oncology", freshness);
        Assert.Contains("(3 h ago), 7 new", freshness);
        Assert.Contains("the token is not valid", freshness);
        Assert.Contains("File imports", freshness);
        Assert.Contains("just now", freshness);
        // No profile yet: what comes next, in words.
        Assert.Contains("Next: a scoring profile.", html);
    }

    [Fact]
    public async Task A_running_run_keeps_its_stage_where_the_pages_read_it()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync([Account(1, "Ana Ruiz, MD", "Oncologist."), .. Posts(1, 5), Account(2, "Ben Cole, MD", "Oncologist."), .. Posts(2, 3)])).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        // Each stage is reported before it is recorded: at every report the row holds the stage before.
        var seen = new List<(string Reported, string? Recorded)>();
        var progress = new SynchronousProgress(stage => seen.Add((stage, ReadStage(db.ConnectionString))));
        var report = Assert.Single(await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringRunner>().RunAsync(Profile.Name, "test", progress, CancellationToken.None)));
        Assert.True(report.Complete, report.Message);
        var computing = seen.FindIndex(s => s.Reported.EndsWith("computing signals and PageRank", StringComparison.Ordinal));
        Assert.True(computing > 0);
        Assert.Equal("reading the topic and congress hashtags (3 of 5)", seen[computing].Recorded);
        Assert.Equal("computing signals and PageRank (4 of 5)", seen[computing + 1].Recorded);
        // Complete: the details are the run's report again.
        Assert.Null(ReadStage(db.ConnectionString));
    }

    private static string? ReadStage(string connectionString)
    {
        using var connection = new Npgsql.NpgsqlConnection(PostgresFixture.OwnerFor(connectionString));
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand("SELECT (details ->> 'stage') || ' (' || (details ->> 'step') || ' of ' || (details ->> 'steps') || ')' FROM scoring_runs ORDER BY id DESC LIMIT 1", connection);
        return command.ExecuteScalar() as string;
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
