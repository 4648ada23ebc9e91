using System.IO.Compression;
using System.Text;
using DolMapper.Web.Ingestion;
using DolMapper.Web.Ingestion.Import;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DolMapper.Web.Tests.Ingestion;

/// <summary>
/// Defects found by importing as a new user would: pooled connections, a fresh database's missing
/// statistics, cut-short gzip files, floods of bad lines, and what a timeout says.
/// </summary>
public class ImportDefectTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static string Account(int id) =>
        $$"""{"type":"account","platform":"x","id":"{{id}}","handle":"h{{id}}","name":"Dr Person {{id}}, MD","bio":"Oncologist","country":"US","followers":{{id % 997}}}""";

    private static string Post(long id, int author, string? extra = null) =>
        $$"""{"type":"post","platform":"x","id":"{{id}}","account_id":"{{author}}","created_at":"2026-10-02T14:03:00Z","text":"New data in #bcsm","hashtags":["bcsm"]{{extra}}}""";

    [Fact]
    public async Task Imports_on_a_pooled_connection_that_already_used_temporary_tables_succeed()
    {
        // Two physical connections (an import uses two), and whatever used them before (a retrain, an earlier upload) used temporary tables.
        await using var db = await ImportDatabase.CreateAsync(postgres, c => c.MaxPoolSize = 2);
        await UseTemporaryTablesOnEveryConnectionAsync(db.DataSource);

        var first = await db.ImportAsync([Account(1), Post(1, 1)]);
        var second = await db.ImportAsync([Account(2), Post(2, 2)]);
        var third = await db.ImportAsync([Account(3), Post(3, 3)]);

        Assert.All([first, second, third], r => Assert.True(r.Clean));
        Assert.Equal(3L, await db.CountAsync("SELECT count(*) FROM posts"));
    }

    [Fact]
    public async Task The_writer_works_on_a_connection_whose_temp_buffers_can_no_longer_change()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        // A data source built without DolMapper's session settings, one connection, temporary tables used first.
        await using var plain = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 2 }.ConnectionString);
        await UseTemporaryTablesOnEveryConnectionAsync(plain);
        var importer = new FileImporter(plain, new IngestionWriter(plain), NullLogger<FileImporter>.Instance);

        var report = await importer.ImportFilesAsync([db.WriteFile("a.jsonl", [Account(1), Post(1, 1)])], new ImportOptions(true, "test"));

        Assert.True(report.Clean);
    }

    private static async Task UseTemporaryTablesOnEveryConnectionAsync(NpgsqlDataSource dataSource)
    {
        await using var first = await dataSource.OpenConnectionAsync();
        await using var second = await dataSource.OpenConnectionAsync();
        foreach (var connection in new[] { first, second })
        {
            await using var command = new NpgsqlCommand("CREATE TEMP TABLE earlier_work (a int); INSERT INTO earlier_work VALUES (1); SELECT count(*) FROM earlier_work", connection);
            await command.ExecuteScalarAsync();
        }
    }

    /// <summary>
    /// Files of very different shapes into a fresh database, with a command timeout far below what a
    /// plan chosen without statistics needs. Each batch must stay quick as the tables grow from empty.
    /// </summary>
    public static TheoryData<string> Shapes => ["mention-heavy", "reply-heavy", "one author, 100,000 posts", "100,000 authors, one post each"];

    [Theory]
    [MemberData(nameof(Shapes))]
    [Trait("Category", "Slow")]
    public async Task Files_of_odd_shapes_import_into_a_fresh_database_without_timing_out(string shape)
    {
        await using var db = await ImportDatabase.CreateAsync(postgres, c => c.CommandTimeout = 20);
        var (lines, posts, interactions) = ShapeLines(shape);
        var path = db.WriteFile("shape.jsonl", lines);

        var report = await db.ImportFileAsync(path);

        Assert.True(report.Clean, report.ToText());
        Assert.Equal(posts, await db.CountAsync("SELECT count(*) FROM posts"));
        Assert.Equal(interactions, await db.CountAsync("SELECT count(*) FROM interactions"));
        // The writer kept the planner informed: the big tables have statistics, and they are not far off.
        var estimated = await db.CountAsync("SELECT reltuples::bigint FROM pg_class WHERE relname = 'posts'");
        Assert.InRange(estimated, posts / 3, posts * 2);
    }

    private static (List<string> Lines, long Posts, long Interactions) ShapeLines(string shape)
    {
        var lines = new List<string>();
        switch (shape)
        {
            case "mention-heavy":
                // The reported case: 10,000 accounts, then 200,000 posts each mentioning another account.
                for (var a = 1; a <= 10_000; a++)
                {
                    lines.Add(Account(a));
                }
                for (var p = 1; p <= 200_000; p++)
                {
                    var author = (p % 10_000) + 1;
                    var mentioned = ((p * 7919) % 10_000) + 1;
                    mentioned = mentioned == author ? (mentioned % 10_000) + 1 : mentioned;
                    lines.Add(Post(p, author, $$""","mentions":["{{mentioned}}"]"""));
                }
                return (lines, 200_000, 200_000);
            case "reply-heavy":
                for (var a = 1; a <= 5_000; a++)
                {
                    lines.Add(Account(a));
                }
                lines.Add(Post(1, 1));
                for (var p = 2; p <= 100_000; p++)
                {
                    // Each post answers an earlier one by someone else; only the parent's id is given, as on Bluesky.
                    var author = (p % 5_000) + 1;
                    var parent = p - 1;
                    lines.Add(Post(p, author, $$""","reply_to":{"post_id":"{{parent}}"}"""));
                }
                return (lines, 100_000, 99_999);
            case "one author, 100,000 posts":
                lines.Add(Account(1));
                for (var p = 1; p <= 100_000; p++)
                {
                    lines.Add(Post(p, 1));
                }
                return (lines, 100_000, 0);
            default:
                for (var a = 1; a <= 100_000; a++)
                {
                    lines.Add(Account(a));
                    lines.Add(Post(a, a));
                }
                return (lines, 100_000, 0);
        }
    }

    [Fact]
    public async Task A_truncated_gzip_file_fails_its_run_naming_the_file_and_the_last_good_line()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        var lines = Enumerable.Range(1, 20_000).Select(i => Account(i)).ToList();
        var whole = db.WriteFile("whole.jsonl.gz", lines);
        var bytes = await File.ReadAllBytesAsync(whole);
        var cut = db.WriteBytes("cut.jsonl.gz", bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<ImportFailedException>(() => db.ImportFileAsync(cut));

        var status = await db.RowsAsync($"SELECT status || '|' || message FROM ingestion_runs WHERE id = {error.RunId}");
        var message = Assert.Single(status);
        Assert.StartsWith("failed|", message);
        Assert.Contains("cut.jsonl.gz", message);
        Assert.Contains("ends unexpectedly after line", message);
        var imported = await db.CountAsync("SELECT count(*) FROM accounts");
        Assert.InRange(imported, 1, 19_999);
        Assert.Contains($"after line {imported:N0}", message);
        Assert.Contains(error.Message, message);
    }

    [Fact]
    public async Task A_flood_of_huge_bad_lines_keeps_only_a_capped_quarantine()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres, quarantineLimits: new QuarantineLimits(LinesPerRun: 1_000, LineChars: 1_024));
        var bad = "{\"type\":\"account\",\"platform\":\"x\",\"bio\":\"" + new string('z', 60_000) + "\"}";
        var lines = Enumerable.Range(1, 3_000).Select(i => i % 1_000 == 0 ? Account(i) : bad).ToList();
        var path = db.WriteFile("bad.jsonl.gz", lines);

        var report = await db.ImportFileAsync(path);

        Assert.Equal((3_000L, 2_997L, 1_000L), (report.Lines, report.Rejected, report.Quarantined));
        Assert.Equal(1_000L, await db.CountAsync("SELECT count(*) FROM quarantine"));
        Assert.Equal(1_024L, await db.CountAsync("SELECT max(length(raw)) FROM quarantine"));
        Assert.True(await db.CountAsync("SELECT pg_total_relation_size('quarantine')") < 8L << 20, "quarantine stays under 8 MB");
        Assert.Equal(2_997L, await db.CountAsync($"SELECT rejected FROM ingestion_runs WHERE id = {report.RunId}"));
        Assert.Contains("the first 1,000 are kept in quarantine", report.ToText());
        Assert.Equal(3L, await db.CountAsync("SELECT count(*) FROM accounts"));
    }

    [Fact]
    public async Task Old_quarantine_and_old_uploads_content_expire_while_recent_ones_stay()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        await Sql.ExecuteAsync(db.ConnectionString, """
            INSERT INTO ingestion_runs (id, kind, query, triggered_by, started_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, details)
            VALUES (900, 'import', 'f', 't', now(), 'failed', 0, 0, 0, 0, 0, 1, 0, 0, '{}');
            INSERT INTO quarantine (run_id, origin, reason, raw, created_at) VALUES
                (900, 'old.jsonl', 'bad', 'old line', now() - interval '31 days'),
                (900, 'new.jsonl', 'bad', 'new line', now() - interval '1 day');
            INSERT INTO uploads (id, file_name, size_bytes, allow_relationships, uploaded_by, created_at, run_id) VALUES
                (1, 'old.jsonl', 3, false, 'a', now() - interval '8 days', 900),
                (2, 'new.jsonl', 3, false, 'a', now() - interval '1 hour', 900);
            INSERT INTO upload_chunks (upload_id, sequence, data) VALUES (1, 0, 'abc'::bytea), (2, 0, 'def'::bytea);
            """);
        var options = Options.Create(new DolMapper.Web.Infrastructure.DolMapperOptions());
        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(db.ConnectionString);

        var result = await new RetentionJob(dataSource, options, NullLogger<RetentionJob>.Instance).RunAsync(CancellationToken.None);

        Assert.Equal(new RetentionResult(1, 1, 3), result);
        Assert.Equal(["new line"], await db.RowsAsync("SELECT raw FROM quarantine"));
        Assert.Equal(["2"], await db.RowsAsync("SELECT upload_id::text FROM upload_chunks"));
        Assert.Equal(2L, await db.CountAsync("SELECT count(*) FROM uploads"));
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'retention.purged' AND (details ->> 'quarantined_lines')::int = 1"));
    }

    [Fact]
    public async Task Post_text_older_than_the_retention_goes_while_the_post_its_counts_and_hashtags_stay_and_the_purge_is_audited()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        var now = DateTime.UtcNow;
        string Line(int id, DateTime at) => System.Text.Json.JsonSerializer.Serialize(new
        {
            type = "post", platform = "x", id = $"{id}", account_id = "1", created_at = at.ToString("O"), text = $"words of post {id} #bcsm", hashtags = new[] { "bcsm" }, likes = 7,
        });
        Assert.True((await db.ImportAsync([Account(1), Line(1, now.AddMonths(-30)), Line(2, now.AddMonths(-25)), Line(3, now.AddMonths(-2))])).Clean);
        var options = Options.Create(new DolMapper.Web.Infrastructure.DolMapperOptions());
        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(db.ConnectionString);

        var result = await new RetentionJob(dataSource, options, NullLogger<RetentionJob>.Instance).RunAsync(CancellationToken.None);

        Assert.Equal(2L, result.PostTexts);
        Assert.Equal(["3"], await db.RowsAsync("SELECT external_id FROM posts WHERE text IS NOT NULL"));
        Assert.Equal(3L, await db.CountAsync("SELECT count(*) FROM posts WHERE likes = 7 AND hashtags = '{bcsm}'"));
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'retention.purged' AND (details ->> 'post_texts')::int = 2"));
        // A second pass finds nothing more to do; 0 months keeps texts for ever.
        Assert.Equal(0L, (await new RetentionJob(dataSource, options, NullLogger<RetentionJob>.Instance).RunAsync(CancellationToken.None)).PostTexts);
        var forever = Options.Create(new DolMapper.Web.Infrastructure.DolMapperOptions { Retention = { PostTextMonths = 0 } });
        await Sql.ExecuteAsync(db.ConnectionString, "UPDATE posts SET text = 'restored'");
        Assert.Equal(0L, (await new RetentionJob(dataSource, forever, NullLogger<RetentionJob>.Instance).RunAsync(CancellationToken.None)).PostTexts);
    }

    [Fact]
    public async Task A_batch_that_takes_too_long_says_which_step_what_was_committed_and_that_importing_again_is_safe()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres, c => c.CommandTimeout = 2);
        var path = db.WriteFile("slow.jsonl", [Account(1), Post(1, 1)]);
        // Another session holds the posts table, so the batch cannot finish within the timeout.
        await using var blocker = new NpgsqlConnection(db.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockPosts = new NpgsqlCommand("LOCK TABLE posts IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockPosts.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<ImportFailedException>(() => db.ImportFileAsync(path));
        await transaction.RollbackAsync();

        Assert.Contains("took longer than its command timeout (2 s)", error.Message);
        Assert.Contains("at the step '", error.Message);
        Assert.Contains("The first 0 lines were committed", error.Message);
        Assert.Contains("importing the file again is safe", error.Message);
        Assert.DoesNotContain("Exception while reading from stream", error.Message);
        Assert.Equal("failed", await db.ScalarAsync($"SELECT status FROM ingestion_runs WHERE id = {error.RunId}"));

        var again = await db.ImportFileAsync(path);
        Assert.True(again.Clean);
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM posts"));
    }
}
