using DolMapper.Web.Features.Rankings;
using System.Globalization;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Scoring;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>A small world built by hand, where every number of a run can be predicted.</summary>
public sealed class ScoringRunTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTime Start = new(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    internal static readonly ProfileDefinition Oncology = new()
    {
        Name = "Oncology test",
        Hashtags = ["bcsm"],
        Keywords = ["breast cancer"],
        // The definitions over everything a person does (TopicScopeTests reads a topic).
        Scope = ProfileDefinition.AllScope,
        WindowDays = 365,
        MinHcpConfidence = 0.5,
        Weights = new Dictionary<string, double> { ["relevance"] = 1, ["peer_trust"] = 1, ["science"] = 0.5, ["relationship"] = 0.25 },
    };

    /// <summary>
    /// Ana (oncologist) posts 220 times, 200 of them on #bcsm, some with DOIs; Ben (oncologist)
    /// posts twice, both on #bcsm; Cara (nurse) replies to Ana; a bot mentions Ben 400 times with
    /// the same words; Jake (public, "Baltimore, MD") posts; Olga (cardiologist) is opted out.
    /// </summary>
    internal static IEnumerable<string> World()
    {
        static string Account(string id, string handle, string name, string bio, string? location = null) =>
            JsonSerializer.Serialize(new { type = "account", platform = "x", id, handle, name, bio, location, followers = 1000, created_at = "2015-01-01T00:00:00Z" });
        var lines = new List<string>
        {
            Account("1", "anaruiz_onc", "Dr. Ana Ruiz, MD", "Breast medical oncologist. Clinical trials. Views my own.", "Madrid, Spain"),
            Account("2", "bencole_onc", "Ben Cole, MD", "Medical oncologist, breast cancer.", "Boston, MA"),
            Account("3", "caradunn_rn", "+Cara Dunn, RN", "Oncology nurse navigator.", "London, UK"),
            Account("4", "healthnews24", "Health News 24/7", "Auto-posting the latest health headlines!! Follow for deals", null),
            Account("5", "jakemiller22", "Jake Miller", "Baltimore, MD. Ravens fan. Crab cakes.", "Baltimore"),
            Account("6", "olgacardio", "Dr. Olga Petrova, MD", "Interventional cardiologist.", "Berlin"),
            """{"type":"relationship","platform":"x","account_id":"1","kind":"advisory_board","since":"2025-03-01"}""",
        };
        var n = 0;
        string Post(string account, DateTime at, string text, string[] tags, object? replyTo = null, string[]? mentions = null, string[]? urls = null) =>
            JsonSerializer.Serialize(new
            {
                type = "post", platform = "x", id = $"{account}-{++n}", account_id = account, created_at = at.ToString("O", CultureInfo.InvariantCulture),
                text, hashtags = tags, reply_to = replyTo, mentions = mentions ?? [], urls = urls ?? [], likes = 3,
            });
        for (var i = 0; i < 220; i++)
        {
            lines.Add(i < 200
                ? Post("1", Start.AddDays(i), $"Thoughts on trial {i} in breast cancer #bcsm", ["bcsm"], urls: i % 4 == 0 ? [$"https://doi.org/10.1000/{i}"] : null)
                : Post("1", Start.AddDays(i), $"Clinic day {i}", []));
        }
        lines.Add(Post("2", Start.AddDays(10), "Breast cancer screening matters #bcsm", ["bcsm"]));
        lines.Add(Post("2", Start.AddDays(11), "More on #bcsm today", ["bcsm"]));
        for (var i = 0; i < 30; i++)
        {
            lines.Add(Post("3", Start.AddDays(i * 3), $"Great point, Ana, on case {i}", [], replyTo: new { post_id = $"1-{i + 1}", account_id = "1" }, mentions: ["1"]));
        }
        for (var i = 0; i < 400; i++)
        {
            lines.Add(Post("4", Start.AddHours(i * 12), $"BREAKING health news click now!! #bcsm https://bit.ly/{i}", ["bcsm"], mentions: ["2"], urls: [$"https://bit.ly/{i}"]));
        }
        for (var i = 0; i < 10; i++)
        {
            lines.Add(Post("5", Start.AddDays(i * 7), $"Game day {i}!", []));
        }
        for (var i = 0; i < 20; i++)
        {
            lines.Add(Post("6", Start.AddDays(i * 7), $"Heart failure update {i} #bcsm", ["bcsm"]));
        }
        return lines;
    }

    private async Task<(ImportDatabase Db, ScoringServices Scoring)> WorldAsync()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var report = await db.ImportAsync(World());
        Assert.True(report.Clean, report.ToText());
        await Sql.ExecuteAsync(db.ConnectionString, """
            INSERT INTO opt_outs (person_id, reason, created_at, created_by)
            SELECT id, 'asked to be removed', now(), 'test' FROM persons WHERE public_id = 'x:6'
            """);
        var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        Assert.True((await scoring.SaveProfileAsync(Oncology)).Saved);
        return (db, scoring);
    }

    private static async Task<Dictionary<string, Dictionary<string, string>>> RowsAsync(ScoringServices scoring, string profile)
    {
        var csv = await scoring.ExportAsync(profile);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = ParseCsvLine(lines[0]);
        return lines.Skip(1).Select(ParseCsvLine).ToDictionary(cells => cells[1], cells => header.Zip(cells).ToDictionary(p => p.First, p => p.Second));
    }

    internal static List<string> ParseCsvLine(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }
        cells.Add(cell.ToString());
        return cells;
    }

    [Fact]
    public async Task A_run_scores_the_HCPs_only_and_its_numbers_follow_the_definitions()
    {
        var (db, scoring) = await WorldAsync();
        await using var _ = scoring;
        var report = Assert.Single(await scoring.ScoreAsync());
        Assert.True(report.Complete, report.Message);

        // Who is scored: the two oncologists and the nurse; not the bot, the public account or the opted-out cardiologist.
        Assert.True(await db.ScalarAsync("SELECT is_bot_like FROM accounts WHERE external_id = '4'") is true);
        var rows = await RowsAsync(scoring, Oncology.Name);
        Assert.Equal(["x:1", "x:2", "x:3"], rows.Keys.Order());
        var ana = rows["x:1"];
        var ben = rows["x:2"];
        var cara = rows["x:3"];

        // 200 relevant of 220 beats 2 of 2 (docs/scoring.md Q1).
        // Raw measures are written to four significant digits (docs/formats.md).
        Assert.Equal(RankingCsv.RawNumber(SignalFormulas.Relevance(200, 220)), ana["relevance_raw"]);
        Assert.Equal(RankingCsv.RawNumber(SignalFormulas.Relevance(2, 2)), ben["relevance_raw"]);
        Assert.True(Double(ana, "relevance") > Double(ben, "relevance"));
        Assert.Equal(1, Int(ana, "rank"));

        // The bot's 400 mentions of Ben count for nothing; Cara's replies make Ana the peers' choice.
        Assert.Equal(0, Double(ben, "hcp_following_raw"));
        Assert.Equal(1, Double(ana, "hcp_following_raw"));
        Assert.True(Double(ana, "peer_trust_raw") > Double(ben, "peer_trust_raw"));
        Assert.Equal(0, Double(cara, "relevance_raw"));

        // CRM (advisory board, under three years old) and scholarly links.
        Assert.Equal(1.0, Double(ana, "relationship_raw"));
        Assert.Equal("advisory_board", ana["relationship_kind"]);
        Assert.Equal(RankingCsv.RawNumber(SignalFormulas.Science(50, 220, 0, 0)), ana["science_raw"]);
        Assert.Equal(0, Double(ben, "science_raw"));

        // The score is the documented weighted sum of the exported signals.
        var weights = Oncology.Weights;
        foreach (var row in rows.Values)
        {
            var expected = weights.Sum(w => Math.Abs(w.Value) * Double(row, w.Key)) / weights.Values.Sum(Math.Abs);
            // Signals and the score are written to one decimal: the sum of rounded signals is within 0.1.
            Assert.Equal(expected, Double(row, "score"), 0.1);
        }

        // A text cell that starts like a formula is neutralised.
        Assert.Equal("'+Cara Dunn, RN", cara["name"]);
        Assert.Equal("nurse", cara["profession"]);
        Assert.Equal("medical_oncology", ana["specialty"]);
    }

    [Fact]
    public async Task A_failed_run_says_why_and_leaves_the_previous_run_in_place()
    {
        var (db, scoring) = await WorldAsync();
        await using var _ = scoring;
        var first = Assert.Single(await scoring.ScoreAsync(Oncology.Name));
        Assert.True(first.Complete, first.Message);
        var before = await scoring.ExportAsync(Oncology.Name);

        await Sql.ExecuteAsync(db.ConnectionString, "UPDATE posts SET deleted_at = now(), text = NULL");
        var failed = Assert.Single(await scoring.ScoreAsync(Oncology.Name));
        Assert.False(failed.Complete);
        Assert.Contains("no posts", failed.Message);
        Assert.Contains("previous complete run", failed.Message);
        Assert.Equal("failed", await db.ScalarAsync($"SELECT status FROM scoring_runs WHERE id = {failed.RunId}"));
        Assert.Contains("no posts", (string)(await db.ScalarAsync($"SELECT error FROM scoring_runs WHERE id = {failed.RunId}"))!);
        Assert.Equal(before, await scoring.ExportAsync(Oncology.Name));
        Assert.Equal(first.RunId, (await scoring.Get<RankingCsv>().LatestRunAsync(Oncology.Name, CancellationToken.None))!.Value.RunId);
    }

    [Fact]
    public async Task The_CSV_has_the_contract_columns_and_top_limits_it()
    {
        var (_, scoring) = await WorldAsync();
        await using var __ = scoring;
        Assert.Equal("", await scoring.ExportAsync(Oncology.Name));
        await scoring.ScoreAsync();
        var csv = await scoring.ExportAsync(Oncology.Name, top: 2);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(
            "rank,person_id,name,handles,profession,specialty,country,score,tier,persona," +
            "relevance,relevance_raw,hcp_following,hcp_following_raw,peer_trust,peer_trust_raw,activity,activity_raw," +
            "public_influence,public_influence_raw,presence,presence_raw,relationship,relationship_raw,science,science_raw," +
            "geography,geography_raw,community,community_raw,relationship_kind,profile,profile_version,run_at,npi," +
            "suggested_channel,best_times,top_formats,suggested_collaboration,profile_url",
            lines[0]);
        var first = ParseCsvLine(lines[1]);
        Assert.Equal("1", first[0]);
        Assert.Equal("x:anaruiz_onc", first[3]);
        Assert.Equal("1%", first[8]);
        Assert.Equal(Oncology.Name, first[^9]);
        Assert.Equal("1", first[^8]);
        Assert.StartsWith("/Profiles/", first[^1]);
    }

    [Fact]
    public async Task An_opted_out_person_leaves_the_export_at_once_and_the_ranks_close_up()
    {
        var (db, scoring) = await WorldAsync();
        await using var _ = scoring;
        await scoring.ScoreAsync();
        await Sql.ExecuteAsync(db.ConnectionString, """
            INSERT INTO opt_outs (platform, handle, reason, created_at) VALUES ('x', 'AnaRuiz_Onc', 'request', now())
            """);
        var rows = await RowsAsync(scoring, Oncology.Name);
        Assert.DoesNotContain("x:1", rows.Keys);
        Assert.Equal(["1", "2"], rows.Values.Select(r => r["rank"]).Order());
    }

    [Fact]
    public async Task Run_details_keep_the_window_topic_and_PageRank_convergence()
    {
        var (db, scoring) = await WorldAsync();
        await using var _ = scoring;
        var report = Assert.Single(await scoring.ScoreAsync());
        var details = (string)(await db.ScalarAsync($"SELECT details::text FROM scoring_runs WHERE id = {report.RunId}"))!;
        using var json = JsonDocument.Parse(details);
        var root = json.RootElement;
        Assert.True(root.GetProperty("pagerank_converged").GetBoolean());
        Assert.True(root.GetProperty("pagerank_l1_change").GetDouble() < 1e-10);
        Assert.Equal(1, root.GetProperty("bot_like_accounts").GetInt32());
        Assert.Equal(3, root.GetProperty("population").GetInt32());
        Assert.Equal(1, root.GetProperty("opted_out_persons").GetInt32());
        Assert.Equal(Start.AddDays(219), root.GetProperty("window").GetProperty("to").GetDateTime().ToUniversalTime());
        Assert.Equal(3L, await db.CountAsync($"SELECT person_count FROM scoring_runs WHERE id = {report.RunId}"));
        // The run's partition has exactly the partitioned table's indexes, built before attaching and attached (none built twice).
        var parentIndexes = await db.CountAsync("SELECT count(*) FROM pg_index WHERE indrelid = 'person_scores'::regclass");
        Assert.True(parentIndexes > 10);
        Assert.Equal(parentIndexes, await db.CountAsync($"SELECT count(*) FROM pg_index WHERE indrelid = 'person_scores_run_{report.RunId}'::regclass"));
        Assert.Equal(parentIndexes, await db.CountAsync($"""
            SELECT count(*) FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indexrelid
            WHERE i.indrelid = 'person_scores_run_{report.RunId}'::regclass
            """));
        // ... and statistics, so the dashboard's first queries are planned for the run as it is.
        Assert.True(await db.CountAsync($"SELECT count(*) FROM pg_stats WHERE tablename = 'person_scores_run_{report.RunId}'") > 0);
        var evidence = (string)(await db.ScalarAsync($"SELECT s.evidence::text FROM person_score_evidence s JOIN persons p ON p.id = s.person_id WHERE p.public_id = 'x:1' AND s.run_id = {report.RunId}"))!;
        using var ev = JsonDocument.Parse(evidence);
        Assert.Equal(200, ev.RootElement.GetProperty("relevance").GetProperty("relevant_posts").GetInt32());
        Assert.Equal(220, ev.RootElement.GetProperty("relevance").GetProperty("posts").GetInt32());
        Assert.Equal(50, ev.RootElement.GetProperty("science").GetProperty("scholarly_posts").GetInt32());
    }

    private static double Double(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    private static int Int(Dictionary<string, string> row, string column) => int.Parse(row[column], CultureInfo.InvariantCulture);
}
