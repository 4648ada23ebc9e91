using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion.Sources;
using DolMapper.Web.Ingestion.Sources.Mastodon;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Ingestion.Sources;

public class MastodonIngestionTests(PostgresFixture postgres) : IAsyncLifetime, IClassFixture<PostgresFixture>
{
    /// <summary>Statuses in the shape of the Mastodon API's Status entity, as mastodon.social serves them.</summary>
    private const string Page1 = """
        [
          {"id": "113500000000000002", "created_at": "2026-11-20T15:00:00.000Z", "in_reply_to_id": "113500000000000001", "in_reply_to_account_id": "109001",
           "sensitive": false, "spoiler_text": "", "visibility": "public", "language": "en",
           "uri": "https://med-mastodon.com/users/samlee/statuses/113500000000000002", "url": "https://med-mastodon.com/@samlee/113500000000000002",
           "replies_count": 0, "reblogs_count": 0, "favourites_count": 3,
           "content": "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://mastodon.social/@janedoe\" class=\"u-url mention\">@<span>janedoe</span></a></span> This will change how we counsel patients &amp; families <a href=\"https://mastodon.social/tags/bcsm\" class=\"mention hashtag\" rel=\"tag\">#<span>bcsm</span></a></p>",
           "reblog": null,
           "account": {"id": "109002", "username": "samlee", "acct": "samlee@med-mastodon.com", "display_name": "Sam Lee RN", "note": "<p>Oncology nurse</p>",
                       "url": "https://med-mastodon.com/@samlee", "followers_count": 210, "following_count": 180, "statuses_count": 95, "created_at": "2022-11-01T00:00:00.000Z"},
           "mentions": [{"id": "109001", "username": "janedoe", "url": "https://mastodon.social/@janedoe", "acct": "janedoe"}],
           "tags": [{"name": "bcsm", "url": "https://mastodon.social/tags/bcsm"}]}
        ]
        """;

    private const string Page2 = """
        [
          {"id": "113500000000000001", "created_at": "2026-11-20T14:00:00.000Z", "in_reply_to_id": null, "in_reply_to_account_id": null,
           "language": "en", "uri": "https://mastodon.social/users/janedoe/statuses/113500000000000001", "url": "https://mastodon.social/@janedoe/113500000000000001",
           "replies_count": 1, "reblogs_count": 2, "favourites_count": 20,
           "content": "<p>New phase 3 data <a href=\"https://mastodon.social/tags/bcsm\" class=\"mention hashtag\" rel=\"tag\">#<span>bcsm</span></a><br>Read: <a href=\"https://doi.org/10.1056/NEJMoa2412345\" target=\"_blank\" rel=\"nofollow noopener\">doi.org/10.1056/NEJMoa2412345</a></p>",
           "reblog": null,
           "account": {"id": "109001", "username": "janedoe", "acct": "janedoe", "display_name": "Jane Doe, MD", "note": "<p>Breast oncologist. Views my own.</p>",
                       "url": "https://mastodon.social/@janedoe", "followers_count": 1500, "following_count": 300, "statuses_count": 900, "created_at": "2022-11-05T00:00:00.000Z"},
           "mentions": [], "tags": [{"name": "BCSM", "url": "https://mastodon.social/tags/bcsm"}]}
        ]
        """;

    private FakeMastodonServer _social = null!;
    private DolMapperApp _app = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _social = await FakeMastodonServer.StartAsync();
        _social.Pages.AddRange([Page1, Page2]);
        _connectionString = await postgres.CreateMigratedDatabaseAsync();
        _app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(_connectionString, new Dictionary<string, string?> { ["DolMapper:Sources:RetryDelayMilliseconds"] = "10" }));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _social.DisposeAsync();
    }

    private async Task<IngestReport> PassAsync(string instance)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MastodonIngestion>()
            .RunAsync(instance, null, "#bcsm", (_, _) => Task.FromResult(false), "test", CancellationToken.None);
    }

    [Fact]
    public async Task A_pass_follows_the_link_header_stores_plain_text_and_interactions_and_the_next_pass_asks_only_for_newer()
    {
        var first = await PassAsync(_social.BaseUrl);

        Assert.Equal((2, 2L), (first.Pages, first.Counts.PostsNew));
        var host = new Uri(_social.BaseUrl).Host;
        Assert.Equal($"This will change how we counsel patients & families #bcsm", await Sql.ScalarAsync(_connectionString,
            "SELECT text FROM posts WHERE external_id LIKE '%113500000000000002'").ContinueWith(t => ((string)t.Result!)[("@janedoe ".Length)..]));
        Assert.Equal("{https://doi.org/10.1056/NEJMoa2412345}", await Sql.ScalarAsync(_connectionString, "SELECT urls::text FROM posts WHERE external_id LIKE '%113500000000000001'"));
        Assert.Equal("{bcsm}", await Sql.ScalarAsync(_connectionString, "SELECT hashtags::text FROM posts WHERE external_id LIKE '%113500000000000001'"));
        Assert.Equal(
            [$"samlee@med-mastodon.com mention janedoe@{host}", $"samlee@med-mastodon.com reply janedoe@{host}"],
            (await Sql.ColumnAsync(_connectionString, """
                SELECT s.external_id || ' ' || i.kind || ' ' || t.external_id FROM interactions i
                JOIN accounts s ON s.id = i.source_account_id JOIN accounts t ON t.id = i.target_account_id
                """)).Order(StringComparer.Ordinal));
        Assert.Equal("Breast oncologist. Views my own.", await Sql.ScalarAsync(_connectionString, $"SELECT bio FROM accounts WHERE external_id = 'janedoe@{host}'"));
        Assert.EndsWith("min_id=newest0", (string)(await Sql.ScalarAsync(_connectionString, "SELECT value FROM source_cursors"))!);

        var second = await PassAsync(_social.BaseUrl);

        Assert.Equal("/api/v1/timelines/tag/bcsm?min_id=newest0", _social.Requests.Last());
        Assert.Equal((0L, 0L), (second.Counts.New, second.Counts.Updated));
    }

    [Fact]
    public async Task A_server_that_ignores_min_id_stops_the_pass_with_a_message_instead_of_looping()
    {
        await PassAsync(_social.BaseUrl);
        var cursor = await Sql.ScalarAsync(_connectionString, "SELECT value FROM source_cursors");
        _social.IgnoreMinId = true;
        var before = _social.Requests.Count;

        var second = await PassAsync(_social.BaseUrl);

        Assert.InRange(_social.Requests.Count - before, 1, 3);
        Assert.Contains("Stopped early", second.Stopped);
        Assert.Equal(cursor, await Sql.ScalarAsync(_connectionString, "SELECT value FROM source_cursors"));
        Assert.Equal("complete", await Sql.ScalarAsync(_connectionString, $"SELECT status FROM ingestion_runs WHERE id = {second.RunId}"));
        Assert.Contains("Stopped early", (string)(await Sql.ScalarAsync(_connectionString, $"SELECT message FROM ingestion_runs WHERE id = {second.RunId}"))!);
    }

    [Fact]
    public void The_page_guard_stops_at_a_repeated_cursor_and_at_a_page_with_nothing_new()
    {
        var repeated = new PageGuard("X");
        Assert.True(repeated.MayFollow("t1", ["1", "2"]));
        Assert.True(repeated.MayFollow("t2", ["3"]));
        Assert.False(repeated.MayFollow("t1", ["4"]));
        Assert.Contains("(t1)", repeated.Stopped);

        var stale = new PageGuard("Bluesky");
        Assert.True(stale.MayFollow("c1", ["a", "b"]));
        Assert.False(stale.MayFollow("c2", ["b", "a"]));
        Assert.Contains("only items this pass had already read", stale.Stopped);

        var empty = new PageGuard("Mastodon");
        empty.Start("stored");
        Assert.True(empty.MayFollow(null, []));
        Assert.False(empty.MayFollow("stored", []));
    }

    [Fact]
    public async Task A_status_seen_on_two_instances_is_stored_once()
    {
        await using var other = await FakeMastodonServer.StartAsync();
        other.Pages.Add(Page1);

        await PassAsync(_social.BaseUrl);
        var again = await PassAsync(other.BaseUrl);

        Assert.Equal(0L, again.Counts.PostsNew);
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts WHERE external_id = 'https://med-mastodon.com/users/samlee/statuses/113500000000000002'"));
        Assert.Equal(2L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM source_cursors"));
    }

    [Fact]
    public void Html_content_becomes_the_text_a_reader_sees() =>
        Assert.Equal("Line one & more\nLine two", MastodonMapper.PlainText("<p>Line one &amp; more</p><p>Line <b>two</b></p>"));

    [Fact]
    public async Task A_rate_limit_reads_the_iso_reset_time_stops_and_keeps_the_cursor()
    {
        var reset = DateTimeOffset.UtcNow.AddHours(1);
        _social.Then(429, "{\"error\":\"Too many requests\"}", r => r.Headers["X-RateLimit-Reset"] = reset.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));

        var report = await PassAsync(_social.BaseUrl);

        Assert.Contains($"{reset:yyyy-MM-dd HH:mm}", report.Stopped);
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM source_cursors"));
    }

    [Fact]
    public async Task A_wrong_typed_field_is_quarantined_and_the_other_statuses_are_stored()
    {
        _social.Pages.Clear();
        _social.Pages.Add("[" + Page1.Trim()[1..^1] + ", " + Page2.Trim()[1..^1].Replace("\"favourites_count\": 20", "\"favourites_count\": \"twenty\"", StringComparison.Ordinal) + "]");
        _social.Then(500, "{\"error\":\"boom\"}");

        var report = await PassAsync(_social.BaseUrl);

        Assert.Equal(1L, report.Counts.PostsNew);
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM quarantine WHERE reason LIKE '%favourites_count%'"));
    }

    [Fact]
    public async Task Reconciliation_tombstones_local_statuses_the_instance_answers_404_for_and_lookup_refreshes_tracked_accounts()
    {
        _social.Pages.Clear();
        _social.Pages.Add(Page2.Replace("https://mastodon.social/users/janedoe/statuses/113500000000000001", $"{_social.BaseUrl}/users/janedoe/statuses/113500000000000001", StringComparison.Ordinal));
        await PassAsync(_social.BaseUrl);
        await Sql.ExecuteAsync(_connectionString, "UPDATE posts SET created_at = now() - interval '1 day'");
        _social.Deleted.Add("113500000000000001");

        await using var scope = _app.Services.CreateAsyncScope();
        var maintenance = scope.ServiceProvider.GetRequiredService<MastodonMaintenance>();
        var purged = await maintenance.ReconcileAsync(_social.BaseUrl, null, 30, 100, CancellationToken.None);
        var refreshed = await maintenance.RefreshAccountsAsync(_social.BaseUrl, null, ["rheumdoc@med-mastodon.com"], CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts"));
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM post_tombstones WHERE platform = 'mastodon'"));
        Assert.Equal(1, refreshed);
        Assert.Equal(777L, await Sql.CountAsync(_connectionString, "SELECT followers FROM accounts WHERE external_id = 'rheumdoc@med-mastodon.com'"));
    }

    [Fact]
    public async Task The_ingest_verb_stores_statuses_authors_and_interactions_and_a_second_run_stores_nothing_twice()
    {
        string[] args = ["ingest", "mastodon", "--base-url", _social.BaseUrl, "--query", "bcsm", $"--ConnectionStrings:DolMapper={_connectionString}"];

        await using (var first = await CliProcess.RunAsync(args))
        {
            Assert.True(first.ExitCode == 0, first.StandardError);
            Assert.Contains("mastodon 'bcsm@", first.StandardOutput);
        }
        await using var second = await CliProcess.RunAsync(args);

        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains(", 0 new, 0 updated", second.StandardOutput);
        Assert.Equal(2L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts"));
        Assert.Equal(2L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM interactions"));
    }
}
