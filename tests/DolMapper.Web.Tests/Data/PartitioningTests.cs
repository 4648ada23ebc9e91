using DolMapper.Web.Compliance;
using DolMapper.Web.Demo;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Data;

/// <summary>
/// <c>dolmapper partition</c> rebuilds a seeded and scored database's posts and interactions with
/// hash partitions by author (and back to plain tables) with every row, key and index; the rankings
/// stay, and importing, scoring and erasure go on working. A new database gets partitions when
/// <c>DolMapper:PostPartitions</c> asks.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PartitioningTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string LatestRankings = """
        SELECT string_agg(sp.name || ' ' || p.public_id || ':' || s.rank || ':' || s.score, ',' ORDER BY sp.name, s.rank, p.public_id)
        FROM person_scores s JOIN persons p ON p.id = s.person_id JOIN scoring_runs r ON r.id = s.run_id JOIN scoring_profiles sp ON sp.id = r.profile_id
        WHERE r.id IN (SELECT max(id) FROM scoring_runs WHERE status = 'complete' GROUP BY profile_id)
        """;

    private const string Contents = """
        SELECT (SELECT count(*) FROM posts) || ' posts, ' || (SELECT count(*) FROM interactions) || ' interactions, ids '
            || (SELECT sum(id) FROM posts) || ', interactions ' || (SELECT sum(post_id + target_account_id) FROM interactions)
        """;

    [Fact]
    public async Task Partitioning_keeps_every_row_and_ranking_and_import_scoring_and_erasure_work_on_it()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var owner = $"--ConnectionStrings:DolMapperOwner={postgres.OwnerConnectionString(database)}";
        var app = $"--ConnectionStrings:DolMapper={database}";
        await using (var scoring = await ScoringServices.CreateAsync(database))
        {
            await scoring.SeedDemoWorldAsync(new DemoWorldOptions { Persons = 300, Posts = 6_000, Seed = 21 });
            await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().EnsureExamplesAsync("test", CancellationToken.None));
            Assert.All(await scoring.ScoreAsync(), r => Assert.True(r.Complete, r.Message));
        }
        var rankings = (string?)await Sql.ScalarAsync(database, LatestRankings);
        Assert.False(string.IsNullOrEmpty(rankings));
        var contents = (string?)await Sql.ScalarAsync(database, Contents);
        var lastId = await Sql.CountAsync(database, "SELECT max(id) FROM posts");
        const string Shapes = "SELECT string_agg(relkind::text, ' ' ORDER BY relname) FROM pg_class WHERE relname IN ('posts', 'interactions')";
        // Plain tables by default.
        Assert.Equal("r r", await Sql.ScalarAsync(database, Shapes));

        await using (var cli = await CliProcess.RunAsync(["partition", "--partitions", "8", app, owner], timeout: TimeSpan.FromMinutes(3)))
        {
            Assert.True(cli.ExitCode == 0, cli.StandardError);
            Assert.Contains("now have 8 hash partitions", cli.StandardOutput);
        }

        Assert.Equal("p p", await Sql.ScalarAsync(database, Shapes));
        // A restart keeps the shape the operator chose (the setting is only for new databases).
        await using (var cli = await CliProcess.RunAsync(["migrate", app, owner]))
        {
            Assert.True(cli.ExitCode == 0, cli.StandardError);
        }
        Assert.Equal("p p", await Sql.ScalarAsync(database, Shapes));
        Assert.Equal(8L, await Sql.CountAsync(database, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'posts'::regclass"));
        Assert.Equal(8L, await Sql.CountAsync(database, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'interactions'::regclass"));
        // Spread by author: every partition holds posts, none holds an author another holds.
        Assert.Equal(8L, await Sql.CountAsync(database, "SELECT count(DISTINCT tableoid) FROM posts"));
        Assert.Equal(0L, await Sql.CountAsync(database, "SELECT count(*) FROM (SELECT account_id FROM posts GROUP BY account_id HAVING count(DISTINCT tableoid) > 1) x"));
        Assert.Equal(contents, (string?)await Sql.ScalarAsync(database, Contents));
        Assert.Equal(rankings, (string?)await Sql.ScalarAsync(database, LatestRankings));
        // The keys and indexes came along, and a statement about one author reads one partition.
        Assert.Equal(5L, await Sql.CountAsync(database, "SELECT count(*) FROM pg_indexes WHERE tablename = 'posts'"));
        var author = await Sql.CountAsync(database, "SELECT min(account_id) FROM posts");
        var onePartition = string.Join('\n', await Sql.ColumnAsync(database, $"EXPLAIN SELECT * FROM posts WHERE account_id = {author}"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(onePartition, @"\bposts_p\d+\b").Select(m => m.Value).Distinct());

        // The same rankings from a new run, new posts get new ids, erasure reaches every partition.
        await using (var scoring = await ScoringServices.CreateAsync(database))
        {
            Assert.All(await scoring.ScoreAsync(), r => Assert.True(r.Complete, r.Message));
            Assert.Equal(RankAndScoreOnly(rankings!), RankAndScoreOnly((string)(await Sql.ScalarAsync(database, LatestRankings))!));

            await using var import = await ImportDatabase.AttachAsync(database);
            var report = await import.ImportAsync([
                """{"type":"account","platform":"x","id":"990001","handle":"newdoc","name":"Dr New, MD","bio":"Oncologist"}""",
                """{"type":"post","platform":"x","id":"990001001","account_id":"990001","created_at":"2026-10-02T14:03:00Z","text":"New #bcsm data","mentions":["990002"]}""",
            ]);
            Assert.True(report.Clean);
            Assert.True(await Sql.CountAsync(database, "SELECT id FROM posts WHERE external_id = '990001001'") > lastId);

            var person = await Sql.CountAsync(database, "SELECT person_id FROM accounts a WHERE EXISTS (SELECT 1 FROM interactions i WHERE i.source_account_id = a.id) ORDER BY id LIMIT 1");
            await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(database);
            var erased = await new OptOutRegistry(dataSource).EraseAsync(person, "asked", "test", CancellationToken.None);
            Assert.True(erased.Done, erased.Message);
            Assert.Equal(0L, await Sql.CountAsync(database, $"""
                SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id WHERE a.person_id = {person}
                """));
            Assert.Equal(0L, await Sql.CountAsync(database, $"SELECT count(*) FROM interactions WHERE source_account_id IN (SELECT id FROM accounts WHERE person_id = {person})"));
        }

        // And back to plain tables, with every row.
        var before = (string?)await Sql.ScalarAsync(database, Contents);
        await using (var cli = await CliProcess.RunAsync(["partition", "--partitions", "0", app, owner], timeout: TimeSpan.FromMinutes(3)))
        {
            Assert.True(cli.ExitCode == 0, cli.StandardError);
            Assert.Contains("plain tables again", cli.StandardOutput);
        }
        Assert.Equal("r r", await Sql.ScalarAsync(database, Shapes));
        Assert.Equal(before, (string?)await Sql.ScalarAsync(database, Contents));
    }

    [Fact]
    public async Task A_new_database_is_made_with_the_partitions_the_setting_asks_for()
    {
        var database = await postgres.CreateEmptyDatabaseAsync();
        await using (var cli = await CliProcess.RunAsync(["migrate", "--DolMapper:PostPartitions=4", $"--ConnectionStrings:DolMapper={database}",
            $"--ConnectionStrings:DolMapperOwner={postgres.OwnerConnectionString(database)}"]))
        {
            Assert.True(cli.ExitCode == 0, cli.StandardError);
        }
        Assert.Equal(4L, await Sql.CountAsync(database, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'posts'::regclass"));
        Assert.Equal(4L, await Sql.CountAsync(database, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'interactions'::regclass"));
        // Never analysed yet, so the importer analyses them after its first batch (as it does plain new tables).
        Assert.Equal(-1L, await Sql.CountAsync(database, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'posts'"));
        // The application's role may use them.
        await using var import = await ImportDatabase.AttachAsync(database);
        Assert.True((await import.ImportAsync([
            """{"type":"account","platform":"x","id":"1","handle":"doc","name":"Dr Doc, MD"}""",
            """{"type":"post","platform":"x","id":"11","account_id":"1","created_at":"2026-10-02T14:03:00Z","text":"#bcsm","mentions":["2"]}""",
        ])).Clean);
        Assert.Equal(1L, await Sql.CountAsync(database, "SELECT count(*) FROM interactions"));
    }

    /// <summary>Ranks and scores without who: a new run gives the same positions (persons tied on a score may swap).</summary>
    private static string RankAndScoreOnly(string rankings) =>
        string.Join(',', rankings.Split(',').Select(r => r[..r.IndexOf(' ', StringComparison.Ordinal)] + r[r.IndexOf(':', StringComparison.Ordinal)..]));
}
