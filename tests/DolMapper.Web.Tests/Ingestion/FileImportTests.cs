using System.Text;
using DolMapper.Web.Ingestion.Import;

namespace DolMapper.Web.Tests.Ingestion;

public class FileImportTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static string Account(string id, string handle, string? person = null, string? observedAt = null, int followers = 100, string name = "Jane Doe, MD", string? extra = null) =>
        "{\"type\":\"account\",\"platform\":\"x\",\"id\":\"" + id + "\",\"handle\":\"" + handle + "\",\"name\":\"" + name + "\",\"bio\":\"Oncologist\",\"country\":\"US\",\"followers\":" + followers
        + (person is null ? "" : ",\"person\":\"" + person + "\"")
        + (observedAt is null ? "" : ",\"observed_at\":\"" + observedAt + "\"")
        + (extra ?? "") + "}";

    private static string Post(string id, string author, string? replyTo = null, string? replyToAuthor = null, string[]? mentions = null,
        string? quoteOf = null, string? repostOf = null, int likes = 1, string? observedAt = null, string text = "New data in #bcsm") =>
        "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"" + id + "\",\"account_id\":\"" + author + "\",\"created_at\":\"2026-10-02T14:03:00Z\","
        + "\"text\":\"" + text + "\",\"hashtags\":[\"bcsm\"],\"likes\":" + likes
        + (replyTo is null && replyToAuthor is null ? "" : ",\"reply_to\":{" + (replyTo is null ? "" : "\"post_id\":\"" + replyTo + "\"") + (replyTo is not null && replyToAuthor is not null ? "," : "") + (replyToAuthor is null ? "" : "\"account_id\":\"" + replyToAuthor + "\"") + "}")
        + (quoteOf is null ? "" : ",\"quote_of\":{\"account_id\":\"" + quoteOf + "\"}")
        + (repostOf is null ? "" : ",\"repost_of\":{\"account_id\":\"" + repostOf + "\"}")
        + (mentions is null ? "" : ",\"mentions\":[" + string.Join(',', mentions.Select(m => "\"" + m + "\"")) + "]")
        + (observedAt is null ? "" : ",\"observed_at\":\"" + observedAt + "\"")
        + "}";

    private static string Deletion(string id) => "{\"type\":\"post\",\"platform\":\"x\",\"id\":\"" + id + "\",\"deleted\":true}";

    private static string Relationship(string account, string kind = "advisory_board") =>
        "{\"type\":\"relationship\",\"platform\":\"x\",\"account_id\":\"" + account + "\",\"kind\":\"" + kind + "\",\"since\":\"2024-05-01\"}";

    /// <summary>A small world: three people, a thread, a mention, a quote and a repost.</summary>
    private static readonly string[] World =
    [
        Account("1001", "drjanedoe", person: "p-77", followers: 15230),
        Account("1002", "oncnurse", name: "Sam Lee RN", followers: 300),
        Account("1003", "pharmbob", name: "Bob PharmD", followers: 50),
        Post("5001", "1001", mentions: ["1002"]),
        Post("5002", "1002", replyTo: "5001", replyToAuthor: "1001"),
        Post("5003", "1003", quoteOf: "1001"),
        Post("5004", "1003", repostOf: "1002"),
        Post("5005", "1001", replyTo: "5002", replyToAuthor: "1002", mentions: ["1001", "1003"]),
    ];

    [Fact]
    public async Task A_file_goes_in_with_persons_posts_and_the_interactions_it_implies()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);

        var report = await db.ImportAsync(World);

        Assert.True(report.Clean);
        Assert.Equal((8L, 8L, 0L), (report.Lines, report.Imported, report.Rejected));
        Assert.Equal((3L, 5L, 0L), (report.Counts.AccountsNew, report.Counts.PostsNew, report.Counts.StubAccounts));
        Assert.Equal(["p-77", "x:1002", "x:1003"], await db.RowsAsync("SELECT public_id FROM persons ORDER BY public_id"));
        Assert.Equal("Jane Doe, MD", await db.ScalarAsync("SELECT display_name FROM persons WHERE public_id = 'p-77'"));
        Assert.Equal(
            ["1001 mention 1002", "1001 mention 1003", "1001 reply 1002", "1002 reply 1001", "1003 quote 1001", "1003 repost 1002"],
            await db.RowsAsync("""
                SELECT s.external_id || ' ' || i.kind || ' ' || t.external_id FROM interactions i
                JOIN accounts s ON s.id = i.source_account_id JOIN accounts t ON t.id = i.target_account_id ORDER BY 1
                """));
        Assert.Equal(report.Counts.Interactions, await db.CountAsync("SELECT count(*) FROM interactions"));
        Assert.Equal("complete", await db.ScalarAsync($"SELECT status FROM ingestion_runs WHERE id = {report.RunId}"));
        Assert.Equal(8L, await db.CountAsync($"SELECT fetched FROM ingestion_runs WHERE id = {report.RunId}"));
    }

    [Fact]
    public async Task Importing_the_same_file_twice_changes_nothing_the_second_time()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        var path = db.WriteFile("world.jsonl", [.. World, Deletion("5004"), Relationship("1001")]);
        await db.ImportFileAsync(path);
        var before = await db.SnapshotAsync();
        var lastUpdate = await db.ScalarAsync("SELECT greatest((SELECT max(updated_at) FROM accounts), (SELECT max(updated_at) FROM posts), (SELECT max(updated_at) FROM persons), (SELECT max(updated_at) FROM crm_relationships))");

        var second = await db.ImportFileAsync(path);

        Assert.Equal((0L, 0L), (second.Counts.New, second.Counts.Updated));
        Assert.Equal((3L, 4L, 1L), (second.Counts.AccountsUnchanged, second.Counts.PostsUnchanged, second.Counts.RelationshipsUnchanged));
        Assert.Equal(before, await db.SnapshotAsync());
        Assert.Equal(lastUpdate, await db.ScalarAsync("SELECT greatest((SELECT max(updated_at) FROM accounts), (SELECT max(updated_at) FROM posts), (SELECT max(updated_at) FROM persons), (SELECT max(updated_at) FROM crm_relationships))"));
    }

    [Fact]
    public async Task Lines_in_any_order_and_across_batches_give_the_same_database()
    {
        await using var inOrder = await ImportDatabase.CreateAsync(postgres);
        await using var reversed = await ImportDatabase.CreateAsync(postgres);
        await inOrder.ImportAsync(World);

        // Replies before their parents, posts before their authors, two lines per batch.
        var report = await reversed.ImportAsync(World.Reverse(), batchSize: 2);

        Assert.True(report.Clean);
        Assert.Equal(await inOrder.SnapshotAsync(), await reversed.SnapshotAsync());
        Assert.Equal(0L, await reversed.CountAsync("SELECT count(*) FROM accounts WHERE is_stub"));
    }

    [Fact]
    public async Task A_post_before_its_author_makes_a_stub_that_the_account_line_fills_in()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);

        var first = await db.ImportAsync([Post("6001", "2001", mentions: ["2002"])]);
        Assert.Equal(2L, first.Counts.StubAccounts);
        Assert.Equal(2L, await db.CountAsync("SELECT count(*) FROM accounts WHERE is_stub AND handle IS NULL"));

        var second = await db.ImportAsync([Account("2001", "drstub", name: "Dr Stub")]);

        Assert.Equal(1L, second.Counts.AccountsUpdated);
        Assert.Equal("drstub", await db.ScalarAsync("SELECT handle FROM accounts WHERE external_id = '2001' AND NOT is_stub"));
        Assert.Equal("Dr Stub", await db.ScalarAsync("SELECT p.display_name FROM persons p JOIN accounts a ON a.person_id = p.id WHERE a.external_id = '2001'"));
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM interactions WHERE kind = 'mention'"));
    }

    [Fact]
    public async Task The_same_key_twice_in_a_file_keeps_the_later_line_or_the_newer_observation()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);

        var report = await db.ImportAsync([
            Account("1001", "first", followers: 1),
            Account("1001", "second", followers: 2),
            Account("1002", "newest", observedAt: "2026-06-01T00:00:00Z", followers: 3),
            Account("1002", "older", observedAt: "2026-01-01T00:00:00Z", followers: 4),
            Post("7001", "1001", likes: 10, observedAt: "2026-05-01T00:00:00Z"),
            Post("7001", "1001", likes: 5, observedAt: "2026-04-01T00:00:00Z"),
        ]);

        Assert.True(report.Clean);
        Assert.Equal(3L, report.Counts.Superseded);
        Assert.Equal(["second 2", "newest 3"], await db.RowsAsync("SELECT handle || ' ' || followers FROM accounts ORDER BY external_id"));
        Assert.Equal(10L, await db.CountAsync("SELECT likes FROM posts WHERE external_id = '7001'"));
    }

    [Fact]
    public async Task An_older_observation_in_a_later_import_does_not_overwrite_a_newer_one()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        await db.ImportAsync([Account("1001", "current", observedAt: "2026-06-01T00:00:00Z", followers: 900),
                              Post("7001", "1001", likes: 40, observedAt: "2026-06-01T00:00:00Z")]);

        var older = await db.ImportAsync([Account("1001", "stale", observedAt: "2025-01-01T00:00:00Z", followers: 10),
                                          Post("7001", "1001", likes: 3, observedAt: "2025-01-01T00:00:00Z")]);
        var newer = await db.ImportAsync([Post("7001", "1001", likes: 55, observedAt: "2026-07-01T00:00:00Z")]);

        Assert.Equal((0L, 0L), (older.Counts.AccountsUpdated, older.Counts.PostsUpdated));
        Assert.Equal(1L, newer.Counts.PostsUpdated);
        Assert.Equal("current 900", await db.ScalarAsync("SELECT handle || ' ' || followers FROM accounts WHERE external_id = '1001'"));
        Assert.Equal(55L, await db.CountAsync("SELECT likes FROM posts WHERE external_id = '7001'"));
    }

    [Fact]
    public async Task A_later_line_without_a_person_key_does_not_unlink_and_a_new_key_relinks()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        await db.ImportAsync([Account("1001", "jane", person: "p-77"), Account("1002", "jane_bsky")]);

        await db.ImportAsync([Account("1001", "jane", followers: 5000), Account("1002", "jane_bsky", person: "p-77")]);

        Assert.Equal(["p-77", "p-77"], await db.RowsAsync("SELECT p.public_id FROM accounts a JOIN persons p ON p.id = a.person_id ORDER BY a.external_id"));
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM persons WHERE public_id = 'x:1002'"));
    }

    [Fact]
    public async Task A_deleted_post_is_purged_and_never_comes_back()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        await db.ImportAsync(World);
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM interactions WHERE kind = 'quote'"));

        var deletion = await db.ImportAsync([Deletion("5003")]);
        var again = await db.ImportAsync(World);

        Assert.Equal(1L, deletion.Counts.Deletions);
        Assert.Equal(1L, again.Counts.PostsTombstoned);
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM posts WHERE external_id = '5003'"));
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM interactions WHERE kind = 'quote'"));
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM post_tombstones WHERE platform = 'x' AND external_id = '5003'"));
    }

    [Fact]
    public async Task A_deletion_seen_before_its_post_keeps_the_post_out()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);

        var report = await db.ImportAsync([Deletion("5001"), .. World], batchSize: 3);

        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM posts WHERE external_id = '5001'"));
        Assert.Equal(4L, report.Counts.PostsNew);
        Assert.Equal(1L, report.Counts.PostsTombstoned);
    }

    [Fact]
    public async Task Relationship_lines_are_applied_for_an_admin_and_refused_for_an_analyst()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);

        var analyst = await db.ImportAsync([.. World, Relationship("1001")], admin: false);
        Assert.Equal(1L, analyst.Rejected);
        var refused = Assert.Single(analyst.FirstRejections);
        Assert.Equal((9L, FileImporter.RelationshipsRefused), (refused.LineNumber, refused.Reason));
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM crm_relationships"));
        Assert.Equal(8L, analyst.Imported);
        Assert.Equal(1L, await db.CountAsync($"SELECT count(*) FROM quarantine WHERE run_id = {analyst.RunId} AND line_number = 9"));

        var admin = await db.ImportAsync([Relationship("1001"), Relationship("9999", "speaker")]);
        Assert.Equal(2L, admin.Counts.RelationshipsNew);
        Assert.Equal("p-77", await db.ScalarAsync("SELECT p.public_id FROM crm_relationships r JOIN persons p ON p.id = r.person_id WHERE r.kind = 'advisory_board'"));

        // A relationship that named an account not yet seen finds its person when the account arrives.
        await db.ImportAsync([Account("9999", "later")]);
        Assert.Equal("x:9999", await db.ScalarAsync("SELECT p.public_id FROM crm_relationships r JOIN persons p ON p.id = r.person_id WHERE r.kind = 'speaker'"));
    }

    [Fact]
    public async Task Bad_lines_are_reported_with_their_numbers_and_quarantined_while_the_rest_goes_in()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        var good = Encoding.UTF8.GetBytes(string.Join('\n', World) + "\n");
        var content = new MemoryStream();
        content.Write(good);                                                             // lines 1-8
        content.Write("this is not json\n"u8);                                           // 9
        content.Write("{\"type\":\"post\",\"platform\":\"x\",\"id\":\"1\"}\n"u8);            // 10: no account_id
        content.Write("{\"type\":\"account\",\"platform\":\"x\",\"id\":\"7\",\"followers\":\"many\"}\n"u8); // 11: wrong type
        content.Write(Encoding.UTF8.GetBytes("{\"type\":\"post\",\"text\":\"" + new string('x', 10 * 1024 * 1024) + "\"}\n")); // 12: 10 MB
        content.Write([.. "{\"type\":\"account\",\"platform\":\"x\",\"id\":\"8\",\"name\":\""u8, 0xC3, 0x28, .. "\"}\n"u8]); // 13: invalid UTF-8
        content.Write(Encoding.UTF8.GetBytes(Account("1004", "last") + "\n"));         // 14
        var path = db.WriteBytes("mixed.jsonl", content.ToArray());

        var report = await db.ImportFileAsync(path);

        Assert.Equal((14L, 9L, 5L), (report.Lines, report.Imported, report.Rejected));
        Assert.Equal([9L, 10L, 11L, 12L, 13L], report.FirstRejections.Select(r => r.LineNumber!.Value));
        Assert.Contains("not valid JSON", report.FirstRejections[0].Reason);
        Assert.Contains("account_id", report.FirstRejections[1].Reason);
        Assert.Contains("followers", report.FirstRejections[2].Reason);
        Assert.Contains("longer than", report.FirstRejections[3].Reason);
        Assert.Contains("UTF-8", report.FirstRejections[4].Reason);
        Assert.Equal(["9", "10", "11", "12", "13"], await db.RowsAsync($"SELECT line_number::text FROM quarantine q WHERE run_id = {report.RunId} ORDER BY q.line_number"));
        Assert.Equal(4L, await db.CountAsync("SELECT count(*) FROM accounts WHERE NOT is_stub"));
        Assert.Equal(5L, await db.CountAsync("SELECT count(*) FROM posts"));
        Assert.Contains("mixed.jsonl:12: the line is longer than", report.ToText());
    }

    [Fact]
    public async Task An_empty_file_is_reported_and_does_not_stop_the_others()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        var empty = db.WriteBytes("empty.jsonl", []);
        var world = db.WriteFile("world.jsonl", World);

        var report = await db.Importer.ImportFilesAsync([empty, world], new ImportOptions(true, "test"));

        Assert.False(report.Clean);
        Assert.Equal([empty], report.EmptySources);
        Assert.Equal(8L, report.Imported);
        Assert.Contains("empty.jsonl: the file is empty", report.ToText());
        Assert.Equal(1L, await db.CountAsync($"SELECT count(*) FROM quarantine WHERE run_id = {report.RunId} AND reason LIKE '%empty%'"));
    }

    [Fact]
    public async Task A_gzip_file_imports_like_the_plain_one()
    {
        await using var plain = await ImportDatabase.CreateAsync(postgres);
        await using var gzip = await ImportDatabase.CreateAsync(postgres);
        await plain.ImportFileAsync(plain.WriteFile("world.jsonl", World));

        var report = await gzip.ImportFileAsync(gzip.WriteFile("world.jsonl.gz", World));

        Assert.True(report.Clean);
        Assert.Equal(await plain.SnapshotAsync(), await gzip.SnapshotAsync());
    }

    [Fact]
    public async Task Opted_out_people_are_not_stored_whichever_way_their_data_arrives()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        await db.ImportAsync([Account("1003", "pharmbob", name: "Bob PharmD")]);
        await Sql.ExecuteAsync(db.ConnectionString, """
            INSERT INTO opt_outs (platform, handle, reason, created_at) VALUES ('x', 'oncnurse', 'asked by email', now());
            INSERT INTO opt_outs (person_id, reason, created_at) SELECT person_id, 'objected', now() FROM accounts WHERE external_id = '1003';
            """);

        var report = await db.ImportAsync(World);

        Assert.Equal(["1001", "1003"], await db.RowsAsync("SELECT external_id FROM accounts ORDER BY 1"));
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM accounts WHERE updated_at > first_seen_at"));
        Assert.Equal(["5001", "5005"], await db.RowsAsync("SELECT external_id FROM posts ORDER BY 1"));
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM interactions"));
        Assert.Equal("{}", await db.ScalarAsync("SELECT mention_external_ids::text FROM posts WHERE external_id = '5001'"));
        Assert.Equal(5L, report.Counts.OptedOut);
    }

    [Fact]
    public async Task A_free_text_location_is_resolved_to_a_country_when_none_is_given()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);

        await db.ImportAsync([
            "{\"type\":\"account\",\"platform\":\"x\",\"id\":\"1\",\"handle\":\"a\",\"location\":\"Toronto, ON\"}",
            "{\"type\":\"account\",\"platform\":\"x\",\"id\":\"2\",\"handle\":\"b\",\"location\":\"Toronto, ON\",\"country\":\"gb\"}",
            "{\"type\":\"account\",\"platform\":\"x\",\"id\":\"3\",\"handle\":\"c\",\"location\":\"Planet Earth\"}",
        ]);

        Assert.Equal(["1 CA 0.95", "2 GB 1", "3  "], await db.RowsAsync(
            "SELECT external_id || ' ' || coalesce(country, '') || ' ' || coalesce(country_confidence::text, '') FROM accounts ORDER BY external_id"));
        Assert.Equal("CA", await db.ScalarAsync("SELECT p.country FROM persons p JOIN accounts a ON a.person_id = p.id WHERE a.external_id = '1'"));
    }

    [Fact]
    public async Task A_newer_line_without_lists_keeps_the_stored_mentions_hashtags_and_links()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        await db.ImportAsync(World);

        var report = await db.ImportAsync(["{\"type\":\"post\",\"platform\":\"x\",\"id\":\"5001\",\"account_id\":\"1001\",\"created_at\":\"2026-10-02T14:03:00Z\",\"likes\":99,\"observed_at\":\"2030-01-01T00:00:00Z\"}"]);

        Assert.Equal(1L, report.Counts.PostsUpdated);
        Assert.Equal("99 {1002} {bcsm}", await db.ScalarAsync("SELECT likes || ' ' || mention_external_ids::text || ' ' || hashtags::text FROM posts WHERE external_id = '5001'"));
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM interactions i JOIN posts p ON p.id = i.post_id WHERE p.external_id = '5001' AND i.kind = 'mention'"));
    }
}
