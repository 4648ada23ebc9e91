using System.Globalization;
using System.Text.Json;
using DolMapper.Scoring;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>
/// Keyword matches are kept between runs (docs/scoring.md, "Keyword matches are kept"): a run
/// matches only posts written since the last match, and what it finds is what matching every post
/// afresh finds — new posts, posts whose text changed into or out of the topic, erased posts.
/// </summary>
public sealed class KeywordMatchTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTime Start = new(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    private static readonly ProfileDefinition BreastCancer = new()
    {
        Name = "Breast cancer (keywords)",
        Keywords = ["breast cancer"],
        WindowDays = 365,
        MinHcpConfidence = 0.5,
        Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    private static string Account(string id, string name, string bio) =>
        JsonSerializer.Serialize(new { type = "account", platform = "x", id, handle = $"h{id}", name, bio, location = "London, UK", followers = 300 });

    private static string Post(string account, string id, int day, string text, int observedDay) =>
        JsonSerializer.Serialize(new
        {
            type = "post", platform = "x", id, account_id = account, created_at = Start.AddDays(day).ToString("O", CultureInfo.InvariantCulture), text,
            observed_at = Start.AddDays(observedDay).ToString("O", CultureInfo.InvariantCulture),
        });

    [Fact]
    public async Task A_run_matches_only_what_was_written_since_the_last_and_finds_what_matching_afresh_finds()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        var first = new List<string>
        {
            Account("1", "Dr. Ann Lee, MD", "Medical oncologist. Breast cancer trials."),
            Account("2", "Dr. Ben Ray, MD", "Medical oncologist."),
            Account("3", "Dr. Cy Fox, MD", "Breast surgeon."),
        };
        for (var i = 0; i < 10; i++)
        {
            first.Add(Post("1", $"a{i}", i, $"Breast cancer trial update {i}", 20));
            first.Add(Post("2", $"b{i}", i, i < 5 ? $"Early breast  cancer, case {i}" : $"Clinic notes {i}", 20));
            first.Add(Post("3", $"c{i}", i, $"Breast cancer surgery day {i}", 20));
        }
        Assert.True((await db.ImportAsync(first)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        Assert.True((await scoring.SaveProfileAsync(BreastCancer)).Saved);
        Assert.All(await scoring.ScoreAsync(BreastCancer.Name), r => Assert.True(r.Complete, r.Message));
        Assert.Equal(25L, await Sql.ScalarAsync(db.ConnectionString, "SELECT count(*) FROM topic_keyword_matches"));
        Assert.Equal((10, 5, 10), (await RelevantAsync(db, "x:1"), await RelevantAsync(db, "x:2"), await RelevantAsync(db, "x:3")));

        // Later: a new post on the topic, a post whose text changes into the topic, one out of it.
        Assert.True((await db.ImportAsync(
        [
            Post("2", "b10", 30, "Breast Cancer screening, new data", 40),
            Post("2", "b7", 7, "Clinic notes, and breast cancer follow-up", 40),
            Post("1", "a3", 3, "Trial update (corrected)", 40),
        ])).Clean);
        Assert.All(await scoring.ScoreAsync(BreastCancer.Name), r => Assert.True(r.Complete, r.Message));
        var incremental = (await RelevantAsync(db, "x:1"), await RelevantAsync(db, "x:2"), await RelevantAsync(db, "x:3"));
        Assert.Equal((9, 7, 10), incremental);

        // Matching every post afresh finds the same.
        await Sql.ExecuteAsync(db.ConnectionString, "DELETE FROM topic_keyword_matches; DELETE FROM topic_keyword_scans");
        Assert.All(await scoring.ScoreAsync(BreastCancer.Name), r => Assert.True(r.Complete, r.Message));
        Assert.Equal(incremental, (await RelevantAsync(db, "x:1"), await RelevantAsync(db, "x:2"), await RelevantAsync(db, "x:3")));
        Assert.Equal(26L, await Sql.ScalarAsync(db.ConnectionString, "SELECT count(*) FROM topic_keyword_matches"));

        // The matches go with the posts.
        await Sql.ExecuteAsync(db.ConnectionString, "DELETE FROM posts WHERE account_id = (SELECT id FROM accounts WHERE external_id = '3')");
        Assert.Equal(16L, await Sql.ScalarAsync(db.ConnectionString, "SELECT count(*) FROM topic_keyword_matches"));
    }

    /// <summary>
    /// A post written by an import that is still running when a run matches keywords (its
    /// transaction began before the run's and commits after) is matched by the next run, not lost
    /// behind the mark.
    /// </summary>
    [Fact]
    public async Task A_post_from_an_import_still_running_is_matched_by_the_next_run()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(
        [
            Account("1", "Dr. Ann Lee, MD", "Medical oncologist. Breast cancer trials."),
            Account("2", "Dr. Ben Ray, MD", "Medical oncologist."),
            .. Enumerable.Range(0, 6).Select(i => Post("1", $"a{i}", i, $"Breast cancer trial update {i}", 20)),
            .. Enumerable.Range(0, 6).Select(i => Post("2", $"b{i}", i, $"Breast cancer case {i}", 20)),
        ])).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        Assert.True((await scoring.SaveProfileAsync(BreastCancer)).Saved);
        Assert.All(await scoring.ScoreAsync(BreastCancer.Name), r => Assert.True(r.Complete, r.Message));
        Assert.Equal(6, await RelevantAsync(db, "x:1"));

        // An import writes a post on the topic and has not committed when the next run matches.
        await using var import = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await import.OpenAsync();
        await using var transaction = await import.BeginTransactionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand("""
            INSERT INTO posts (account_id, platform, external_id, created_at, text, lang, mention_external_ids, hashtags, urls,
                               likes, replies, reposts, quotes, observed_at, first_seen_at, updated_at)
            SELECT account_id, platform, 'a-late', created_at + interval '1 day', 'Breast cancer: late-breaking data', lang, '{}', '{}', '{}',
                   0, 0, 0, 0, observed_at, now(), now()
            FROM posts WHERE external_id = 'a5'
            """, import, transaction))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }
        Assert.All(await scoring.ScoreAsync(BreastCancer.Name), r => Assert.True(r.Complete, r.Message));
        Assert.Equal(6, await RelevantAsync(db, "x:1"));

        await transaction.CommitAsync();
        Assert.All(await scoring.ScoreAsync(BreastCancer.Name), r => Assert.True(r.Complete, r.Message));
        Assert.Equal(7, await RelevantAsync(db, "x:1"));
    }

    /// <summary>The latest complete run's count of relevant posts for a person.</summary>
    private static async Task<int> RelevantAsync(ImportDatabase db, string person) => int.Parse((string)(await Sql.ScalarAsync(db.ConnectionString, $"""
        SELECT e.evidence -> 'relevance' ->> 'relevant_posts' FROM person_score_evidence e JOIN persons p ON p.id = e.person_id
        WHERE p.public_id = '{person}' AND e.run_id = (SELECT max(id) FROM scoring_runs WHERE status = 'complete')
        """))!, CultureInfo.InvariantCulture);
}
