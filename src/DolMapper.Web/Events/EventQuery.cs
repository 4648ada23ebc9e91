using System.Text.Json;
using DolMapper.Scoring.Events;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Events;

/// <summary>A stored reading of an event.</summary>
public sealed record EventReading(long Id, int VersionId, DateTime CompletedAt, DateTime? DataUntil, EventReadingDetails Details);

/// <summary>The conversation of one phase: -1 before, 0 during, 1 after.</summary>
public sealed record EventPhase(int Phase, long Posts, long HcpPosts, long Authors, long HcpAuthors, long Engagement)
{
    public static string Words(int phase) => phase switch { -1 => "Before", 0 => "During", _ => "After" };
}

/// <summary>A link shared during an event.</summary>
public sealed record EventLink(string Url, string Kind, long Posts, long Persons);

/// <summary>A hashtag used during an event.</summary>
public sealed record EventHashtag(string Hashtag, long Posts, long Persons);

/// <summary>Participants of one country (null: location unknown).</summary>
public sealed record EventCountry(string? Country, long Persons, long Hcps);

/// <summary>One of the most engaged posts during an event.</summary>
public sealed record EventTopPost(long PostId, long AccountId, long PersonId, long Engagement);

/// <summary>What a reading found beside its per-person rows (event_analyses.details).</summary>
public sealed record EventReadingDetails(IReadOnlyList<EventPhase> Phases, IReadOnlyList<EventLink> Links, IReadOnlyList<EventHashtag> Hashtags,
    IReadOnlyList<EventCountry> Countries, IReadOnlyList<EventTopPost> TopPosts, string? TopicProfile)
{
    public EventPhase Phase(int phase) => Phases.FirstOrDefault(p => p.Phase == phase) ?? new EventPhase(phase, 0, 0, 0, 0, 0);

    public static EventReadingDetails Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        IEnumerable<JsonElement> Array(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];
        return new EventReadingDetails(
            [.. Array("phases").Select(p => new EventPhase(p.GetProperty("phase").GetInt32(), p.GetProperty("posts").GetInt64(), p.GetProperty("hcp_posts").GetInt64(),
                p.GetProperty("authors").GetInt64(), p.GetProperty("hcp_authors").GetInt64(), p.GetProperty("engagement").GetInt64()))],
            [.. Array("links").Select(l => new EventLink(l.GetProperty("url").GetString()!, l.GetProperty("kind").GetString()!, l.GetProperty("posts").GetInt64(), l.GetProperty("persons").GetInt64()))],
            [.. Array("hashtags").Select(h => new EventHashtag(h.GetProperty("hashtag").GetString()!, h.GetProperty("posts").GetInt64(), h.GetProperty("persons").GetInt64()))],
            [.. Array("countries").Select(c => new EventCountry(c.GetProperty("country").GetString(), c.GetProperty("persons").GetInt64(), c.GetProperty("hcps").GetInt64()))],
            [.. Array("top_posts").Select(t => new EventTopPost(t.GetProperty("post_id").GetInt64(), t.GetProperty("account_id").GetInt64(), t.GetProperty("person_id").GetInt64(), t.GetProperty("engagement").GetInt64()))],
            root.TryGetProperty("rule", out var rule) && rule.TryGetProperty("topic_profile", out var profile) && profile.ValueKind == JsonValueKind.String ? profile.GetString() : null);
    }
}

/// <summary>One participant of an event, as pages and the report show them.</summary>
public sealed record EventRow(long PersonId, string PublicId, string? Name, string Handles, string? Profession, string? Specialty, string? Country,
    int Rank, int PostsBefore, int PostsDuring, int PostsAfter, long EngagementBefore, long EngagementDuring, long EngagementAfter,
    long ReachDuring, int Audience, int HcpAudience, int TopicPostsBefore, bool Hcp, bool NewVoice, string Role, double? DolScore, string? ScoreProfile)
{
    /// <summary>The share of their audience during the event that is HCP; null when nobody engaged with them.</summary>
    public double? HcpAudienceShare => Audience == 0 ? null : (double)HcpAudience / Audience;
}

/// <summary>Where an event's reading stands: the one shown, and whether another is on its way or failed since.</summary>
public sealed record EventReadingState(EventReading? Shown, bool Running, string? LastError, bool FromOlderVersion);

/// <summary>An event the person took part in, and their role there.</summary>
public sealed record PersonEvent(string Event, string Kind, DateOnly Start, DateOnly End, int Rank, int PostsDuring, long EngagementDuring, string Role);

/// <summary>
/// Reads what <see cref="EventAnalyzer"/> stored (docs/events.md): pages and the report read the
/// latest complete reading, never posts (except the text of the ten most engaged posts).
/// </summary>
public sealed class EventQuery(NpgsqlDataSource dataSource)
{
    /// <summary>The reading shown for <paramref name="stored"/>, and whether a newer one is running or failed.</summary>
    public async Task<EventReadingState> StateAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, event_version_id, status, completed_at, data_until, details::text, error, started_at
            FROM event_analyses WHERE event_id = @event ORDER BY started_at DESC LIMIT 20
            """);
        command.Parameters.AddWithValue("event", stored.EventId);
        EventReading? shown = null;
        var running = false;
        string? error = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var status = reader.GetString(2);
            if (status == RunStatuses.Complete)
            {
                shown = new EventReading(reader.GetInt64(0), reader.GetInt32(1), DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
                    reader.IsDBNull(4) ? null : DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc), EventReadingDetails.Parse(reader.GetString(5)));
                break;
            }
            running |= status == RunStatuses.Running;
            error ??= status == RunStatuses.Failed ? reader.IsDBNull(6) ? "failed" : reader.GetString(6) : null;
        }
        return new EventReadingState(shown, running, error, shown is not null && shown.VersionId != stored.VersionId);
    }

    /// <summary>The volume of a reading: by day (24) or by hour (1).</summary>
    public async Task<IReadOnlyList<EventBucket>> BucketsAsync(long analysisId, int hours, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT starts_at, posts, hcp_posts, authors FROM event_buckets WHERE analysis_id = @a AND hours = @h ORDER BY starts_at");
        command.Parameters.AddWithValue("a", analysisId);
        command.Parameters.AddWithValue("h", hours);
        var buckets = new List<EventBucket>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            buckets.Add(new EventBucket { AnalysisId = analysisId, Hours = hours, StartsAt = DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), Posts = reader.GetInt32(1), HcpPosts = reader.GetInt32(2), Authors = reader.GetInt32(3) });
        }
        return buckets;
    }

    /// <summary>
    /// The latest complete scoring run of <paramref name="profile"/>; null when it has none. Without a
    /// profile, the rows show each person's highest score among the active profiles' latest runs.
    /// </summary>
    private async Task<long?> RunOfAsync(string profile, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT r.id FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
            WHERE p.name = @name AND r.status = @complete ORDER BY r.completed_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("name", profile);
        command.Parameters.AddWithValue("complete", RunStatuses.Complete);
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    /// <summary>
    /// Participants of a reading in rank order: all of them (<paramref name="limit"/> null), the first
    /// <paramref name="limit"/>, or only the new voices. Each with their usual DOL score: in the
    /// event's profile, else their highest among the active profiles' latest complete runs.
    /// </summary>
    public async Task<IReadOnlyList<EventRow>> RowsAsync(long analysisId, string? profile, int? limit, bool newVoicesOnly, CancellationToken cancellationToken)
    {
        var rows = new List<EventRow>();
        await foreach (var row in StreamAsync(analysisId, profile, limit, newVoicesOnly, cancellationToken))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The rows of <see cref="RowsAsync"/> one at a time, as the database sends them (the report writes each as it arrives).</summary>
    public async IAsyncEnumerable<EventRow> StreamAsync(long analysisId, string? profile, int? limit, bool newVoicesOnly,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = profile is null ? null : await RunOfAsync(profile, cancellationToken);
        var score = profile is not null
            ? "LEFT JOIN person_scores sc ON sc.run_id = @run AND sc.person_id = e.person_id"
            : """
              LEFT JOIN LATERAL (SELECT s.score, lr.name AS profile FROM latest_runs lr JOIN person_scores s ON s.run_id = lr.run_id AND s.person_id = e.person_id
                                 ORDER BY s.score DESC LIMIT 1) sc ON true
              """;
        await using var command = dataSource.CreateCommand($"""
            WITH latest_runs AS (
                SELECT DISTINCT ON (r.profile_id) r.id AS run_id, p.name FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
                WHERE r.status = @complete AND p.active ORDER BY r.profile_id, r.completed_at DESC)
            SELECT e.person_id, coalesce(e.public_id, e.person_id::text), e.display_name, coalesce(e.handles, ''),
                   e.profession, e.specialty, e.country, e.rank, e.posts_before, e.posts_during, e.posts_after,
                   e.engagement_before, e.engagement_during, e.engagement_after, e.reach_during, e.audience, e.hcp_audience, e.topic_posts_before,
                   e.hcp, e.new_voice, e.role, sc.score, {(profile is null ? "sc.profile" : "CASE WHEN sc.score IS NULL THEN NULL ELSE @profile::text END")}
            FROM event_persons e
            {score}
            WHERE e.analysis_id = @analysis AND (NOT @newVoices OR e.new_voice)
              AND NOT {OptOutSql.IsOptedOut("e.person_id")}
            ORDER BY e.rank
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("analysis", analysisId);
        command.Parameters.AddWithValue("complete", RunStatuses.Complete);
        command.Parameters.Add(new NpgsqlParameter("profile", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)profile ?? DBNull.Value });
        command.Parameters.AddWithValue("run", (object?)run ?? -1L);
        command.Parameters.AddWithValue("newVoices", newVoicesOnly);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = limit is { } l ? l : DBNull.Value });
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new EventRow(reader.GetInt64(0), reader.GetString(1), Text(2), reader.GetString(3), Text(4), Text(5), Text(6),
                reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt64(11), reader.GetInt64(12), reader.GetInt64(13),
                reader.GetInt64(14), reader.GetInt32(15), reader.GetInt32(16), reader.GetInt32(17), reader.GetBoolean(18), reader.GetBoolean(19), reader.GetString(20),
                reader.IsDBNull(21) ? null : reader.GetDouble(21), Text(22));
        }
    }

    /// <summary>How many participants and new voices a reading holds.</summary>
    public async Task<(int Participants, int NewVoices)> CountsAsync(long analysisId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*), count(*) FILTER (WHERE new_voice) FROM event_persons WHERE analysis_id = @a");
        command.Parameters.AddWithValue("a", analysisId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }

    /// <summary>The events <paramref name="personId"/> took part in (each event's latest complete reading), the newest first.</summary>
    public async Task<IReadOnlyList<PersonEvent>> OfPersonAsync(long personId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH latest AS (
                SELECT DISTINCT ON (event_id) id, event_id FROM event_analyses WHERE status = @complete ORDER BY event_id, completed_at DESC)
            SELECT ev.name, v.definition::text, e.rank, e.posts_during, e.engagement_during, e.role
            FROM latest l JOIN event_persons e ON e.analysis_id = l.id AND e.person_id = @person
            JOIN events ev ON ev.id = l.event_id
            JOIN LATERAL (SELECT definition FROM event_versions WHERE event_id = l.event_id ORDER BY version DESC LIMIT 1) v ON true
            """);
        command.Parameters.AddWithValue("complete", RunStatuses.Complete);
        command.Parameters.AddWithValue("person", personId);
        var events = new List<PersonEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var definition = EventDefinition.FromStored(reader.GetString(1));
            events.Add(new PersonEvent(reader.GetString(0), definition.Kind, definition.Start, definition.End, reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetString(5)));
        }
        return [.. events.OrderByDescending(e => e.Start)];
    }

    /// <summary>The text, author handle and address of posts (the most engaged of an event), by account and id.</summary>
    public async Task<IReadOnlyDictionary<long, (string? Text, string? Handle, string? Url, DateTime CreatedAt)>> PostsAsync(IReadOnlyList<EventTopPost> posts, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT p.id, p.text, a.handle, p.platform, p.external_id, p.created_at
            FROM unnest(@accounts, @ids) AS k(account_id, id)
            JOIN posts p ON p.account_id = k.account_id AND p.id = k.id AND p.deleted_at IS NULL
            JOIN accounts a ON a.id = p.account_id
            WHERE NOT a.is_bot_like AND NOT (a.person_id IN (SELECT person_id FROM opted_out_persons()))
            """);
        command.Parameters.AddWithValue("accounts", posts.Select(p => p.AccountId).ToArray());
        command.Parameters.AddWithValue("ids", posts.Select(p => p.PostId).ToArray());
        var result = new Dictionary<long, (string?, string?, string?, DateTime)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var handle = reader.Get<string>("handle");
            result[reader.GetInt64(0)] = (reader.Get<string>("text"), handle, Features.Profiles.PostLinks.Url(reader.GetString(3), reader.GetString(4), handle),
                DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc));
        }
        return result;
    }
}
