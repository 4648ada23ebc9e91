using DolMapper.Scoring.Insights;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using System.Text.Json;
using DolMapper.Scoring;
using Npgsql;

namespace DolMapper.Web.Features.Profiles;

/// <summary>A DOL's score and rank in one complete run of a profile, and the profile version that run scored.</summary>
public sealed record ScorePoint(DateTime At, int Rank, double Score, int Version);

/// <summary>A DOL as the profile page shows them, in one profile's latest complete run.</summary>
public sealed record DolProfile(
    long PersonId, string PublicId, string? Name, string? Profession, string? Specialty, string? Country, double? HcpConfidence,
    IReadOnlyList<string> ClassificationTerms, IReadOnlyList<(string Platform, string Handle, string? Url)> Accounts,
    string Profile, int Version, DateTime RunAt, int Rank, double Score, string Tier, double[] Signals, double[] Raw, double[] Contributions,
    JsonElement Evidence, IReadOnlyList<(DateTime At, string Text, string? Url)> SamplePosts, IReadOnlyList<ScorePoint> History)
{
    /// <summary>The profile version the run scored (its weights, scope and market).</summary>
    public ProfileDefinition? Definition { get; init; }
    /// <summary>Posts and engagement received per week over the year before the run's snapshot.</summary>
    public IReadOnlyList<(DateTime Week, int Posts, long Engagement)> Activity { get; init; } = [];
    public IReadOnlyList<(string Tag, int Posts)> Hashtags { get; init; } = [];
    public IReadOnlyList<(string Domain, int Links)> Domains { get; init; } = [];
    /// <summary>Items of the profile's topic trends (kind, item, status) among whose leading HCPs the person is, with their posts on each.</summary>
    public IReadOnlyList<(string Kind, string Item, string Status, int Posts)> Drives { get; init; } = [];
    /// <summary>The themes of concerns and unmet needs they voiced in the run's last nine weeks, with their posts in each.</summary>
    public IReadOnlyList<(string Theme, int Posts)> Concerns { get; init; } = [];
    /// <summary>The products of the profile's list they mentioned over the window, by tone.</summary>
    public IReadOnlyList<(string Product, int Mentions, int Positive, int Negative, int Neutral)> ProductMentions { get; init; } = [];
    /// <summary>How one could engage them (docs/engagement.md); null until the run's suggestions are derived, or without a post of their own.</summary>
    public Data.Entities.PersonEngagement? Engagement { get; init; }
    /// <summary>Persons of the same ranking who reply to, quote, repost or mention this person, most often first.</summary>
    public IReadOnlyList<Peer> EngagedBy { get; init; } = [];
    /// <summary>Persons of the same ranking this person replies to, quotes, reposts or mentions.</summary>
    public IReadOnlyList<Peer> Engages { get; init; } = [];
    public string? Persona { get; init; }
    public (string Kind, string? Since)? Relationship { get; init; }
}

/// <summary>A person engaged with, as the profile page lists them.</summary>
public sealed record Peer(long PersonId, string Name, string? Profession, int Interactions, int Rank);

/// <summary>Reads one person's explained score (opted-out persons are never shown).</summary>
public sealed class ProfileQuery([FromKeyedServices(Data.DolMapperDataSource.Reads)] NpgsqlDataSource dataSource)
{
    public async Task<DolProfile?> GetAsync(long personId, string profile, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var signals = string.Join(", ", Questions.All.Select(k => $"s.{k}, s.{k}_raw"));
        await using var command = new NpgsqlCommand($"""
            SELECT p.id, p.public_id, p.display_name, s.profession, s.specialty, s.country, p.hcp_confidence, p.classification_evidence::text AS classification,
                   v.version, v.definition::text AS definition, r.completed_at,
                   (s.rank - (SELECT count(*) FROM person_scores x WHERE x.run_id = s.run_id AND x.rank < s.rank AND x.person_id IN ({Data.OptOutSql.OptedOutPersons})))::int AS display_rank,
                   s.score, s.tier, {signals}, s.contributions, e.evidence::text AS evidence, r.profile_id, r.id AS run_id, r.data_snapshot_at, pa.name AS persona
            FROM person_scores s
            JOIN scoring_runs r ON r.id = s.run_id
            JOIN scoring_profiles pr ON pr.id = r.profile_id
            JOIN scoring_profile_versions v ON v.id = r.profile_version_id
            JOIN persons p ON p.id = s.person_id
            JOIN person_score_evidence e ON e.run_id = s.run_id AND e.person_id = s.person_id
            LEFT JOIN persona_assignments pm ON pm.run_id = s.run_id AND pm.person_id = s.person_id LEFT JOIN personas pa ON pa.id = pm.persona_id
            WHERE s.person_id = @person AND pr.name = @profile AND r.status = '{RunStatuses.Complete}'
              AND r.id = (SELECT r2.id FROM scoring_runs r2 WHERE r2.profile_id = r.profile_id AND r2.status = '{RunStatuses.Complete}' ORDER BY r2.completed_at DESC LIMIT 1)
              AND NOT {Data.OptOutSql.IsOptedOut("p.id")}
            """, connection);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("profile", profile);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var terms = new List<string>();
        if (reader.Get<string>("classification") is { } classificationJson)
        {
            using var classification = JsonDocument.Parse(classificationJson);
            if (classification.RootElement.TryGetProperty("terms", out var t) && t.ValueKind == JsonValueKind.Array)
            {
                terms.AddRange(t.EnumerateArray().Select(e => e.GetString()).OfType<string>());
            }
        }
        var values = new double[Questions.Count];
        var raw = new double[Questions.Count];
        for (var q = 0; q < Questions.Count; q++)
        {
            values[q] = reader.Get<double>(Questions.All[q]);
            raw[q] = reader.Get<double>(Questions.All[q] + "_raw");
        }
        var contributions = reader.Get<double[]>("contributions")!;
        var evidence = JsonDocument.Parse(reader.Get<string>("evidence")!).RootElement.Clone();
        var profileId = reader.Get<int>("profile_id");
        var runId = reader.Get<long>("run_id");
        var snapshot = reader.GetUtc("data_snapshot_at")!.Value;
        var persona = reader.Get<string>("persona");
        var definition = Web.Scoring.ScoringProfiles.Read(reader.Get<string>("definition")!);
        var header = (Id: reader.Get<long>("id"), PublicId: reader.Get<string>("public_id")!, Name: reader.Get<string>("display_name"),
            Profession: reader.Get<string>("profession"), Specialty: reader.Get<string>("specialty"),
            Country: reader.Get<string>("country"), Confidence: reader.Get<double?>("hcp_confidence"),
            Version: reader.Get<int>("version"), RunAt: reader.GetUtc("completed_at")!.Value, Rank: reader.Get<int>("display_rank"),
            Score: reader.Get<double>("score"), Tier: reader.Get<string>("tier")!);
        await reader.CloseAsync();

        var accounts = new List<(string, string, string?)>();
        await using (var a = new NpgsqlCommand("SELECT platform, coalesce(nullif(handle, ''), external_id), url FROM accounts WHERE person_id = @p AND NOT is_stub ORDER BY platform", connection))
        {
            a.Parameters.AddWithValue("p", personId);
            await using var r = await a.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                accounts.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }
        }
        var posts = new List<(DateTime, string, string?)>();
        await using (var p = new NpgsqlCommand("""
            SELECT po.created_at, po.text, po.platform, po.external_id, a.handle FROM posts po JOIN accounts a ON a.id = po.account_id
            WHERE a.person_id = @p AND po.deleted_at IS NULL AND po.text IS NOT NULL
            ORDER BY (po.likes + po.reposts + po.quotes) DESC, po.created_at DESC LIMIT 5
            """, connection))
        {
            p.Parameters.AddWithValue("p", personId);
            await using var r = await p.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                posts.Add((DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), r.GetString(1), PostLinks.Url(r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4))));
            }
        }
        var history = new List<ScorePoint>();
        await using (var h = new NpgsqlCommand($"""
            SELECT r.completed_at, s.rank, s.score, v.version FROM person_scores s JOIN scoring_runs r ON r.id = s.run_id
            JOIN scoring_profile_versions v ON v.id = r.profile_version_id
            WHERE s.person_id = @p AND r.profile_id = @profile AND r.status = '{RunStatuses.Complete}' ORDER BY r.completed_at
            """, connection))
        {
            h.Parameters.AddWithValue("p", personId);
            h.Parameters.AddWithValue("profile", profileId);
            await using var r = await h.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                history.Add(new ScorePoint(DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), r.GetInt32(1), r.GetDouble(2), r.GetInt32(3)));
            }
        }
        var activity = new List<(DateTime, int, long)>();
        await using (var c = new NpgsqlCommand("""
            SELECT date_trunc('week', po.created_at), count(*)::int, sum(po.likes + po.reposts + po.quotes + po.replies)::bigint
            FROM posts po JOIN accounts a ON a.id = po.account_id
            WHERE a.person_id = @p AND po.deleted_at IS NULL AND po.created_at > @snapshot - interval '365 days' AND po.created_at <= @snapshot
            GROUP BY 1 ORDER BY 1
            """, connection))
        {
            c.Parameters.AddWithValue("p", personId);
            c.Parameters.AddWithValue("snapshot", snapshot);
            await using var r = await c.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                activity.Add((DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), r.GetInt32(1), r.GetInt64(2)));
            }
        }
        var hashtags = await CountsAsync(connection, """
            SELECT lower(h), count(*)::int FROM posts po JOIN accounts a ON a.id = po.account_id, unnest(po.hashtags) h
            WHERE a.person_id = @p AND po.deleted_at IS NULL AND po.created_at > @snapshot - interval '365 days'
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12
            """, personId, snapshot, cancellationToken);
        var domains = await CountsAsync(connection, """
            SELECT d, count(*)::int FROM (
                SELECT lower(substring(u from '^[A-Za-z][A-Za-z0-9+.-]*://(?:www\.)?([^/:?#]+)')) AS d
                FROM posts po JOIN accounts a ON a.id = po.account_id, unnest(po.urls) u
                WHERE a.person_id = @p AND po.deleted_at IS NULL AND po.created_at > @snapshot - interval '365 days') x
            WHERE d IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12
            """, personId, snapshot, cancellationToken);
        // The topic's trends this person drives (docs/insights.md): rising and new first, then by their posts on it.
        var drives = new List<(string, string, string, int)>();
        await using (var t = new NpgsqlCommand($$"""
            SELECT t.kind, t.item, t.status, t.driver_posts[array_position(t.driver_person_ids, @p)]
            FROM topic_trends t WHERE t.run_id = @run AND @p = ANY (t.driver_person_ids)
            ORDER BY CASE t.status WHEN '{{TrendStatus.Rising}}' THEN 0 WHEN '{{TrendStatus.Emerging}}' THEN 1 WHEN '{{TrendStatus.Steady}}' THEN 2 ELSE 3 END,
                     4 DESC, t.posts_window DESC, t.item
            LIMIT 12
            """, connection))
        {
            t.Parameters.AddWithValue("p", personId);
            t.Parameters.AddWithValue("run", runId);
            await using var r = await t.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                drives.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3)));
            }
        }
        var concerns = new List<(string, int)>();
        await using (var t = new NpgsqlCommand("SELECT theme, posts FROM person_concern_themes WHERE run_id = @run AND person_id = @p ORDER BY posts DESC, theme LIMIT 10", connection))
        {
            t.Parameters.AddWithValue("p", personId);
            t.Parameters.AddWithValue("run", runId);
            await using var r = await t.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                concerns.Add((r.GetString(0), r.GetInt32(1)));
            }
        }
        var productMentions = new List<(string, int, int, int, int)>();
        await using (var t = new NpgsqlCommand("SELECT product, mentions, positive, negative, neutral FROM person_product_mentions WHERE run_id = @run AND person_id = @p ORDER BY mentions DESC, product", connection))
        {
            t.Parameters.AddWithValue("p", personId);
            t.Parameters.AddWithValue("run", runId);
            await using var r = await t.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                productMentions.Add((r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4)));
            }
        }
        var engagement = await Engagement.EngagementView.ReadAsync(connection, runId, personId, cancellationToken);
        var engagedBy = await PeersAsync(connection, "ta.person_id = @p", "sa.person_id", personId, runId, cancellationToken);
        var engages = await PeersAsync(connection, "sa.person_id = @p", "ta.person_id", personId, runId, cancellationToken);
        (string, string?)? relationship = evidence.TryGetProperty("relationship", out var rel) && rel.ValueKind == JsonValueKind.Object
            && rel.TryGetProperty("kind", out var kind) && kind.GetString() is { } k
            ? (k, rel.TryGetProperty("since", out var since) && since.ValueKind == JsonValueKind.String ? since.GetString() : null)
            : null;

        return new DolProfile(header.Id, header.PublicId, header.Name, header.Profession, header.Specialty, header.Country, header.Confidence, terms,
            accounts, profile, header.Version, header.RunAt, header.Rank, header.Score, header.Tier, values, raw, contributions, evidence, posts, history)
        {
            Activity = activity, Hashtags = hashtags, Domains = domains, Drives = drives, Concerns = concerns, ProductMentions = productMentions, Engagement = engagement, EngagedBy = engagedBy, Engages = engages, Persona = persona, Relationship = relationship,
            Definition = definition,
        };
    }

    private static async Task<List<(string, int)>> CountsAsync(NpgsqlConnection connection, string sql, long personId, DateTime snapshot, CancellationToken cancellationToken)
    {
        var list = new List<(string, int)>();
        await using var c = new NpgsqlCommand(sql, connection);
        c.Parameters.AddWithValue("p", personId);
        c.Parameters.AddWithValue("snapshot", snapshot);
        await using var r = await c.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add((r.GetString(0), r.GetInt32(1)));
        }
        return list;
    }

    // Peers are persons of the same run (the profile's scored population), never opted-out ones; bots' engagement is left out as in scoring.
    private static async Task<List<Peer>> PeersAsync(NpgsqlConnection connection, string side, string other, long personId, long runId, CancellationToken cancellationToken)
    {
        var list = new List<Peer>();
        await using var c = new NpgsqlCommand($"""
            WITH opted AS MATERIALIZED ({Data.OptOutSql.OptedOutPersons}),
                 gone AS MATERIALIZED (SELECT x.rank FROM person_scores x WHERE x.run_id = @run AND x.person_id IN (SELECT person_id FROM opted)),
                 counted AS (
                    SELECT {other} AS person_id, count(*)::int AS n
                    FROM interactions i JOIN accounts sa ON sa.id = i.source_account_id JOIN accounts ta ON ta.id = i.target_account_id
                    WHERE {side} AND {other} <> @p AND NOT sa.is_bot_like
                    GROUP BY 1)
            SELECT s.person_id, coalesce(n.display_name, n.public_id), s.profession, c.n, {Rankings.RankingSelection.DisplayRank}
            FROM counted c JOIN person_scores s ON s.run_id = @run AND s.person_id = c.person_id JOIN persons n ON n.id = s.person_id
            WHERE s.person_id NOT IN (SELECT person_id FROM opted)
            ORDER BY c.n DESC, s.rank LIMIT 10
            """, connection);
        c.Parameters.AddWithValue("p", personId);
        c.Parameters.AddWithValue("run", runId);
        await using var r = await c.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new Peer(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3), r.GetInt32(4)));
        }
        return list;
    }
}
