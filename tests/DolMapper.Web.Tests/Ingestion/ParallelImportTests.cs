using System.IO.Compression;
using DolMapper.Web.Demo;
using DolMapper.Web.Ingestion.Import;

namespace DolMapper.Web.Tests.Ingestion;

/// <summary>
/// An import written by several sessions at once, split by author (ImportLanes), must leave exactly
/// what one session leaves: the same rows, the same report.
/// </summary>
public class ParallelImportTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static string Account(string id, string handle, string? person = null, string? extra = null) =>
        $$"""{"type":"account","platform":"x","id":"{{id}}","handle":"{{handle}}","name":"Dr {{handle}}, MD","bio":"Oncologist","country":"US","followers":{{id.Length * 37}}{{(person is null ? "" : $",\"person\":\"{person}\"")}}{{extra}}}""";

    private static string Post(string id, string author, string? extra = null, int likes = 3) =>
        $$"""{"type":"post","platform":"x","id":"{{id}}","account_id":"{{author}}","created_at":"2026-10-02T14:03:00Z","text":"New data in #bcsm","hashtags":["bcsm"],"likes":{{likes}}{{extra}}}""";

    /// <summary>
    /// The demo world (deletions, relationships, persons with several accounts throughout) with
    /// lines that make lanes meet: persons keyed from accounts in different lanes, unknown accounts
    /// mentioned by many authors at once (stubs two lanes both need), replies naming only a parent
    /// post of the same batch, a post seen twice with a newer observation.
    /// </summary>
    private async Task<string> WorldAsync(ImportDatabase db)
    {
        var world = Path.Combine(TestPaths.NewTempDirectory("lanes"), "world.jsonl.gz");
        await DemoWorldWriter.WriteFileAsync(new DemoWorldOptions { Persons = 1_200, Posts = 24_000, Seed = 11 }, world, truthPath: null);
        var lines = new List<string>();
        await using (var file = File.OpenRead(world))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Add(line);
            }
        }

        var extra = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            // Pairs of accounts in (most likely) different lanes naming the same person.
            extra.Add(Account($"77{i:D5}", $"keyed{i}", person: $"shared-{i / 2}"));
        }
        for (var i = 0; i < 3_000; i++)
        {
            var author = $"77{i % 300:D5}";
            extra.Add(Post($"88{i:D6}", author, $$""","mentions":["990{{i % 12}}","77{{(i + 7) % 300:D5}}"]"""));
        }
        // The same post again, later in the file with more likes: the later line wins.
        extra.Add(Post("88000001", "7700001", likes: 99));
        // A thread whose replies name only their parent post, all in one batch (written by one session).
        var thread = new List<string> { Post("660000", "7700000") };
        for (var i = 1; i < 40; i++)
        {
            thread.Add(Post($"66{i:D4}", $"77{i % 300:D5}", $$""","reply_to":{"post_id":"66{{i - 1:D4}}"}"""));
        }
        lines.InsertRange(lines.Count * 3 / 4, thread);
        lines.InsertRange(lines.Count / 3, extra);
        return db.WriteFile("world.jsonl", lines);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Four_lanes_leave_what_one_session_leaves()
    {
        await using var one = await ImportDatabase.CreateAsync(postgres);
        await using var four = await ImportDatabase.CreateAsync(postgres);
        var file = await WorldAsync(one);

        var serial = await one.Importer.ImportFilesAsync([file], new ImportOptions(true, "test", BatchSize: 6_000, WriterSessions: 1));
        var lanes = await four.Importer.ImportFilesAsync([file], new ImportOptions(true, "test", BatchSize: 6_000, WriterSessions: 4));

        Assert.True(serial.Clean, string.Join("; ", serial.FirstRejections.Select(r => r.Reason)));
        Assert.Equal(1, serial.WriterSessions);
        Assert.Equal(4, lanes.WriterSessions);
        Assert.Equal(serial.Lines, lanes.Lines);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(serial.Counts), System.Text.Json.JsonSerializer.Serialize(lanes.Counts));
        Assert.True(serial.Counts.Deletions > 0 && serial.Counts.RelationshipsNew > 0 && serial.Counts.StubAccounts > 0,
            "the world has deletions, relationships and stubs to exercise");
        Assert.Equal(await one.SnapshotAsync(), await four.SnapshotAsync());
        // The thread was resolved from its own batch: every reply found its parent's author.
        Assert.Equal(39L, await four.CountAsync("SELECT count(*) FROM posts WHERE external_id LIKE '66%' AND reply_to_account_external_id IS NOT NULL"));
        Assert.Equal(99L, await four.CountAsync("SELECT likes FROM posts WHERE external_id = '88000001'"));

        // Importing the same file again with lanes changes nothing and finds everything stored.
        var again = await four.Importer.ImportFilesAsync([file], new ImportOptions(true, "test", BatchSize: 6_000, WriterSessions: 4));
        Assert.Equal(0, again.Counts.New);
        Assert.Equal(await one.SnapshotAsync(), await four.SnapshotAsync());
    }

    [Fact]
    public async Task An_opted_out_account_line_keeps_its_posts_and_the_references_to_it_out_when_lanes_write()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        await Sql.ExecuteAsync(db.ConnectionString,
            "INSERT INTO opt_outs (platform, handle, reason, created_at) VALUES ('x', 'secretdoc', 'asked by email', now())");
        var lines = new List<string> { Account("4242", "secretdoc") };
        for (var i = 0; i < 2_000; i++)
        {
            lines.Add(Account($"5{i:D4}", $"open{i}"));
            lines.Add(Post($"6{i:D5}", $"5{i:D4}", i % 10 == 0 ? ""","mentions":["4242"]""" : null));
        }
        lines.AddRange(Enumerable.Range(0, 50).Select(i => Post($"7{i:D4}", "4242")));

        var report = await db.Importer.ImportFilesAsync([db.WriteFile("optout.jsonl", lines)], new ImportOptions(true, "test", WriterSessions: 4));

        Assert.True(report.Clean);
        Assert.Equal(51L, report.Counts.OptedOut);
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM accounts WHERE external_id = '4242'"));
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM posts WHERE external_id LIKE '7%'"));
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM posts WHERE '4242' = ANY (mention_external_ids)"));
        Assert.Equal(2_000L, await db.CountAsync("SELECT count(*) FROM posts"));
    }

    [Fact]
    public void A_batch_is_split_unless_a_reference_names_only_a_post_of_the_same_batch()
    {
        ImportRecord Line(string id, string author, PostReference? reply = null) =>
            new PostRecord { Platform = "x", Id = id, AccountId = author, CreatedAt = DateTime.UtcNow, ReplyTo = reply };

        Assert.True(ImportLanes.CanSplit([Line("1", "a"), Line("2", "b", new PostReference("1", "a"))]));
        // The parent was stored by an earlier batch: every lane finds it in the database.
        Assert.True(ImportLanes.CanSplit([Line("2", "b", new PostReference("0", null))]));
        Assert.False(ImportLanes.CanSplit([Line("1", "a"), Line("2", "b", new PostReference("1", null))]));

        // An author's lane is the same whatever the batch and the process.
        Assert.Equal(ImportLanes.LaneOf("x", "12345", 4), ImportLanes.LaneOf("x", "12345", 4));
        var spread = Enumerable.Range(0, 4_000).Select(i => ImportLanes.LaneOf("x", i.ToString(System.Globalization.CultureInfo.InvariantCulture), 4)).GroupBy(l => l).ToList();
        Assert.Equal(4, spread.Count);
        Assert.All(spread, lane => Assert.InRange(lane.Count(), 800, 1_200));
    }
}
