using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion.Sources;
using DolMapper.Web.Ingestion.Sources.X;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Ingestion.Sources;

public class XIngestionTests(PostgresFixture postgres) : IAsyncLifetime, IClassFixture<PostgresFixture>
{
    private const string Token = "AAAA-test-bearer-SECRET-0000";
    private const string Query = "#bcsm OR #oncology";
    private FakeXServer _x = null!;
    private DolMapperApp _app = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _x = await FakeXServer.StartAsync();
        _x.Pages.AddRange([XPayloads.Page1, XPayloads.Page2]);
        _x.NewestId = "1853211002";
        _connectionString = await postgres.CreateMigratedDatabaseAsync();
        _app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(_connectionString, new Dictionary<string, string?>
        {
            ["DolMapper:Sources:RetryDelayMilliseconds"] = "10",
            ["DolMapper:Sources:TimeoutSeconds"] = "1",
        }));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _x.DisposeAsync();
    }

    private async Task<IngestReport> PassAsync(Func<RateLimitedException, CancellationToken, Task<bool>>? onRateLimit = null)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<XIngestion>()
            .RunAsync(_x.BaseUrl, Token, Query, onRateLimit ?? ((_, _) => Task.FromResult(false)), "test", CancellationToken.None);
    }

    private Task<long> CountAsync(string sql) => Sql.CountAsync(_connectionString, sql);

    [Fact]
    public async Task A_pass_follows_every_page_stores_posts_authors_and_interactions_and_a_second_pass_stores_nothing_twice()
    {
        var first = await PassAsync();

        Assert.Equal((2, 4L), (first.Pages, first.Fetched));
        Assert.Equal(4L, await CountAsync("SELECT count(*) FROM posts"));
        Assert.Equal(3L, await CountAsync("SELECT count(*) FROM accounts WHERE NOT is_stub"));
        Assert.Equal(
            ["2244994945 mention 783214", "783214 mention 2244994945", "783214 reply 2244994945", "99887766 quote 2244994945", "99887766 repost 2244994945"],
            (await Sql.ColumnAsync(_connectionString, """
                SELECT s.external_id || ' ' || i.kind || ' ' || t.external_id FROM interactions i
                JOIN accounts s ON s.id = i.source_account_id JOIN accounts t ON t.id = i.target_account_id
                """)).Order(StringComparer.Ordinal));
        Assert.Equal("https://doi.org/10.1056/NEJMoa2412345", await Sql.ScalarAsync(_connectionString, "SELECT urls[1] FROM posts WHERE external_id = '1853211001'"));
        // The referenced post seen again on page 2 with newer counts updates, and is stored once.
        Assert.Equal(41L, await CountAsync("SELECT likes FROM posts WHERE external_id = '1853211001'"));
        Assert.Equal("US", await Sql.ScalarAsync(_connectionString, "SELECT country FROM accounts WHERE external_id = '2244994945'"));
        Assert.Equal("1853211002", await Sql.ScalarAsync(_connectionString, "SELECT value FROM source_cursors"));
        Assert.Equal(1L, first.Rejected);
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM quarantine WHERE reason LIKE 'X reported a partial error: Not Found Error%' AND source_id IS NOT NULL"));

        var second = await PassAsync();

        Assert.Equal((0L, 0L), (second.Counts.New, second.Counts.Updated));
        Assert.Contains("since_id=1853211002", _x.Requests.Last());
        Assert.Equal(4L, await CountAsync("SELECT count(*) FROM posts"));
        Assert.All(_x.Authorizations, a => Assert.Equal($"Bearer {Token}", a));
        Assert.Equal(2L, await CountAsync("SELECT count(*) FROM ingestion_runs WHERE kind = 'ingest' AND status = 'complete'"));
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_once_then_the_request_succeeds_without_a_retry_storm()
    {
        _x.ThenRateLimited(DateTimeOffset.UtcNow.AddSeconds(1));
        var waits = new List<DateTimeOffset>();

        var report = await PassAsync(async (limited, ct) =>
        {
            waits.Add(limited.ResetAt);
            await Task.Delay(limited.ResetAt - DateTimeOffset.UtcNow is { } d && d > TimeSpan.Zero ? d : TimeSpan.Zero, ct);
            return true;
        });

        Assert.Single(waits);
        Assert.Equal(3, _x.Requests.Count);
        Assert.Equal(4L, report.Counts.PostsNew);
    }

    [Fact]
    public async Task A_rate_limit_too_far_away_stops_the_pass_and_keeps_the_cursor()
    {
        _x.ThenRateLimited(DateTimeOffset.UtcNow.AddHours(1));

        var report = await PassAsync();

        Assert.NotNull(report.Stopped);
        Assert.Contains("Run again after", report.Stopped);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM source_cursors"));
        Assert.Single(_x.Requests);
    }

    [Fact]
    public async Task A_server_error_is_retried_and_then_the_pass_goes_on()
    {
        _x.ThenStatus(StatusCodes.Status503ServiceUnavailable);
        _x.ThenStatus(StatusCodes.Status500InternalServerError);

        var report = await PassAsync();

        Assert.Equal(4L, report.Counts.PostsNew);
        Assert.Equal(4, _x.Requests.Count);
    }

    [Fact]
    public async Task A_malformed_item_is_quarantined_and_the_rest_of_the_page_is_stored()
    {
        _x.Pages.Clear();
        _x.Pages.Add(XPayloads.PageWithBadItem);

        var report = await PassAsync();

        Assert.Equal(1L, report.Counts.PostsNew);
        Assert.Equal(1L, report.Rejected);
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM quarantine WHERE reason LIKE '%retweet_count%' AND raw LIKE '%1853211102%' AND origin LIKE 'GET /2/tweets/search/recent%'"));
    }

    [Fact]
    public async Task Truncated_json_is_quarantined_and_the_pass_does_not_crash()
    {
        _x.Pages.Clear();
        _x.Pages.Add(XPayloads.Page1[..200]);

        var report = await PassAsync();

        Assert.Equal(1L, report.Rejected);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM posts"));
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM quarantine WHERE reason LIKE 'the X response is not valid JSON%'"));
    }

    [Fact]
    public async Task The_ingest_verb_runs_a_pass_prints_the_counts_and_never_logs_the_token()
    {
        await using var cli = await CliProcess.RunAsync(["ingest", "x", "--base-url", _x.BaseUrl, "--query", Query, "--token", Token,
            $"--ConnectionStrings:DolMapper={_connectionString}", "--Serilog:MinimumLevel:Default=Debug"]);

        Assert.True(cli.ExitCode == 0, cli.StandardError);
        Assert.Contains("x '#bcsm OR #oncology': 4 fetched in 2 page(s)", cli.StandardOutput);
        Assert.DoesNotContain(Token, cli.StandardError + cli.StandardOutput);
        Assert.Equal(4L, await CountAsync("SELECT count(*) FROM posts"));
    }

    [Fact]
    public async Task A_pass_that_dies_after_its_first_page_then_runs_again_leaves_exactly_the_rows_of_a_clean_pass()
    {
        // The first page goes in; then the server fails for good and the pass dies.
        _x.Then(async c => await c.Response.WriteAsync(XPayloads.Page1));
        _x.ThenStatus(StatusCodes.Status400BadRequest, "{\"title\":\"Invalid Request\"}");
        await Assert.ThrowsAsync<HttpRequestException>(() => PassAsync());
        Assert.Equal(2L, await CountAsync("SELECT count(*) FROM posts"));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM source_cursors"));
        Assert.Equal("failed", await Sql.ScalarAsync(_connectionString, "SELECT status FROM ingestion_runs ORDER BY id LIMIT 1"));

        var rerun = await PassAsync();

        // A clean pass into a fresh database, for comparison.
        var clean = await postgres.CreateMigratedDatabaseAsync();
        await using (var other = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(clean)))
        await using (var scope = other.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<XIngestion>().RunAsync(_x.BaseUrl, Token, Query, (_, _) => Task.FromResult(false), "test", CancellationToken.None);
        }
        const string rows = """
            SELECT string_agg(x, E'\n' ORDER BY x) FROM (
                SELECT 'post ' || p.external_id || ' ' || a.external_id || ' ' || p.likes || ' ' || p.mention_external_ids::text AS x FROM posts p JOIN accounts a ON a.id = p.account_id
                UNION ALL SELECT 'account ' || external_id || ' ' || coalesce(handle, '') || ' ' || coalesce(followers::text, '') FROM accounts
                UNION ALL SELECT 'interaction ' || s.external_id || ' ' || i.kind || ' ' || t.external_id FROM interactions i
                    JOIN accounts s ON s.id = i.source_account_id JOIN accounts t ON t.id = i.target_account_id
                UNION ALL SELECT 'cursor ' || value FROM source_cursors) rows
            """;
        Assert.Equal(await Sql.ScalarAsync(clean, rows), await Sql.ScalarAsync(_connectionString, rows));
        Assert.Equal(2L, rerun.Counts.PostsNew);
    }

    [Fact]
    public async Task Reconciliation_tombstones_posts_x_no_longer_has_and_they_do_not_come_back()
    {
        await PassAsync();
        _x.Deleted.Add("1853211003");
        await Sql.ExecuteAsync(_connectionString, "UPDATE posts SET created_at = now() - interval '1 day'");

        int purged;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            purged = await scope.ServiceProvider.GetRequiredService<XReconciliation>().RunAsync(_x.BaseUrl, Token, days: 30, maxPosts: 1000, CancellationToken.None);
        }

        Assert.Equal(1, purged);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM posts WHERE external_id = '1853211003'"));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM interactions WHERE kind = 'quote'"));
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM post_tombstones WHERE external_id = '1853211003'"));

        await Sql.ExecuteAsync(_connectionString, "DELETE FROM source_cursors");
        await PassAsync();
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM posts WHERE external_id = '1853211003'"));
    }

    [Fact]
    public async Task A_request_that_times_out_is_retried_and_the_pass_goes_on()
    {
        _x.Then(async c => await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted));

        var report = await PassAsync();

        Assert.Equal(4L, report.Counts.PostsNew);
        Assert.Equal(3, _x.Requests.Count);
    }
}
