using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion.Sources;
using DolMapper.Web.Ingestion.Sources.Bluesky;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Ingestion.Sources;

public class BlueskyIngestionTests(PostgresFixture postgres) : IAsyncLifetime, IClassFixture<PostgresFixture>
{
    private const string Credentials = "reader.bsky.social:app-pass-SECRET-1234";
    private const string Query = "#bcsm";
    private FakeBlueskyServer _bsky = null!;
    private DolMapperApp _app = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _bsky = await FakeBlueskyServer.StartAsync();
        _bsky.Pages.AddRange([BlueskyPayloads.Page1, BlueskyPayloads.Page2]);
        _bsky.Profiles = BlueskyPayloads.Profiles;
        _connectionString = await postgres.CreateMigratedDatabaseAsync();
        _app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(_connectionString, new Dictionary<string, string?>
        {
            ["DolMapper:Sources:RetryDelayMilliseconds"] = "10",
        }));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _bsky.DisposeAsync();
    }

    private async Task<IngestReport> PassAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BlueskyIngestion>()
            .RunAsync(_bsky.BaseUrl, Credentials, Query, (_, _) => Task.FromResult(false), "test", CancellationToken.None);
    }

    [Fact]
    public async Task A_pass_signs_in_follows_the_cursor_stores_posts_profiles_and_interactions_and_a_second_pass_stores_nothing_twice()
    {
        var first = await PassAsync();

        Assert.Equal((2, 3L, 3L), (first.Pages, first.Fetched, first.Counts.PostsNew));
        Assert.Equal("app-pass-SECRET-1234", _bsky.LastPassword);
        Assert.Equal(5120L, await Sql.CountAsync(_connectionString, "SELECT followers FROM accounts WHERE external_id = 'did:plc:jane7abc'"));
        Assert.Equal("Breast oncologist. Views my own.", await Sql.ScalarAsync(_connectionString, "SELECT bio FROM accounts WHERE handle = 'drjanedoe.bsky.social'"));
        Assert.Equal(
            ["did:plc:bob4pqr quote did:plc:jane7abc", "did:plc:jane7abc mention did:plc:sam9xyz", "did:plc:sam9xyz reply did:plc:jane7abc"],
            (await Sql.ColumnAsync(_connectionString, """
                SELECT s.external_id || ' ' || i.kind || ' ' || t.external_id FROM interactions i
                JOIN accounts s ON s.id = i.source_account_id JOIN accounts t ON t.id = i.target_account_id
                """)).Order(StringComparer.Ordinal));
        Assert.Equal("{https://doi.org/10.1056/NEJMoa2412345}", await Sql.ScalarAsync(_connectionString, "SELECT urls::text FROM posts WHERE external_id LIKE '%3lc2aaaa2k22'"));
        Assert.Equal("2026-11-20T16:30:02.000Z", await Sql.ScalarAsync(_connectionString, "SELECT value FROM source_cursors"));

        var second = await PassAsync();

        Assert.Contains("since=2026-11-20T16%3A30%3A02.000Z", _bsky.Requests.Where(r => r.Contains("searchPosts", StringComparison.Ordinal)).Last());
        Assert.Equal((0L, 0L), (second.Counts.New, second.Counts.Updated));
        Assert.Equal(1L, second.Counts.PostsUnchanged);
        Assert.Equal(3L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts"));
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_and_the_request_repeated()
    {
        _bsky.ExpireNextToken = true;

        var report = await PassAsync();

        Assert.Equal(3L, report.Counts.PostsNew);
        Assert.Equal(3, _bsky.Requests.Count(r => r.Contains("searchPosts", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_ingest_verb_runs_a_bluesky_pass_and_never_logs_the_app_password()
    {
        await using var cli = await CliProcess.RunAsync(["ingest", "bluesky", "--base-url", _bsky.BaseUrl, "--query", Query, "--token", Credentials,
            $"--ConnectionStrings:DolMapper={_connectionString}", "--Serilog:MinimumLevel:Default=Debug"]);

        Assert.True(cli.ExitCode == 0, cli.StandardError);
        Assert.Contains("bluesky '#bcsm': 3 fetched in 2 page(s), ", cli.StandardOutput);
        Assert.DoesNotContain("SECRET", cli.StandardError + cli.StandardOutput);
    }

    [Fact]
    public async Task A_rate_limit_with_a_far_reset_stops_the_pass_and_keeps_the_cursor()
    {
        var reset = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _bsky.Then(429, "{\"error\":\"RateLimitExceeded\",\"message\":\"Rate Limit Exceeded\"}", r => r.Headers["ratelimit-reset"] = reset);

        var report = await PassAsync();

        Assert.NotNull(report.Stopped);
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM source_cursors"));
    }

    [Fact]
    public async Task A_server_error_is_retried_and_truncated_json_is_quarantined_without_stopping_the_pass()
    {
        _bsky.Then(502, "Bad Gateway");
        _bsky.Then(200, BlueskyPayloads.Page1[..150]);

        var report = await PassAsync();

        Assert.Equal(1L, report.Rejected);
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM quarantine WHERE reason LIKE 'the Bluesky response is not valid JSON%'"));
        Assert.Equal(0L, report.Counts.PostsNew);
    }

    [Fact]
    public async Task Reconciliation_tombstones_posts_the_service_no_longer_returns()
    {
        await PassAsync();
        await Sql.ExecuteAsync(_connectionString, "UPDATE posts SET created_at = now() - interval '1 day'");
        _bsky.Deleted.Add("at://did:plc:bob4pqr/app.bsky.feed.post/3lc2cccc4k22");

        int purged;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            purged = await scope.ServiceProvider.GetRequiredService<BlueskyReconciliation>().RunAsync(_bsky.BaseUrl, Credentials, 30, 1000, CancellationToken.None);
        }

        Assert.Equal(1, purged);
        Assert.Equal(2L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts"));
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM post_tombstones WHERE platform = 'bluesky'"));
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM interactions WHERE kind = 'quote'"));
    }

    [Fact]
    public async Task A_tracked_accounts_feed_brings_its_posts_and_reposts_and_the_next_pass_stops_at_what_it_saw()
    {
        // Jane's feed: her repost of Sam's reply (newest), then her own post; both views as in the search payloads.
        var page1 = System.Text.Json.Nodes.JsonNode.Parse(BlueskyPayloads.Page1)!["posts"]![0]!.ToJsonString();
        var page2 = System.Text.Json.Nodes.JsonNode.Parse(BlueskyPayloads.Page2)!["posts"]![0]!.ToJsonString();
        _bsky.AuthorFeed = "{\"feed\":[{\"post\":" + page2 + ",\"reason\":{\"$type\":\"app.bsky.feed.defs#reasonRepost\",\"by\":{\"did\":\"did:plc:jane7abc\",\"handle\":\"drjanedoe.bsky.social\"},\"indexedAt\":\"2026-11-20T17:00:00.000Z\"}},{\"post\":" + page1 + "}]}";

        IReadOnlyList<IngestReport> first, second;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var pass = scope.ServiceProvider.GetRequiredService<BlueskyIngestion>();
            first = await pass.BackfillAsync(_bsky.BaseUrl, Credentials, ["@drjanedoe.bsky.social"], (_, _) => Task.FromResult(false), "test", CancellationToken.None);
            second = await pass.BackfillAsync(_bsky.BaseUrl, Credentials, ["drjanedoe.bsky.social"], (_, _) => Task.FromResult(false), "test", CancellationToken.None);
        }

        Assert.Equal(3L, Assert.Single(first).Counts.PostsNew);
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM interactions WHERE kind = 'repost'"));
        Assert.Equal("2026-11-20T17:00:00.000Z", await Sql.ScalarAsync(_connectionString, "SELECT value FROM source_cursors WHERE query = 'feed:drjanedoe.bsky.social'"));
        Assert.Equal((0L, 0L), (Assert.Single(second).Counts.PostsNew, second[0].Fetched));
    }
}
