using System.Diagnostics;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Scoring.Events;
using DolMapper.Scoring.Hcp;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Jobs;
using DolMapper.Web.Scoring;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Events;

/// <summary>What reading an event did.</summary>
public sealed record EventAnalysisReport(long AnalysisId, string Event, bool Succeeded, int Participants, int PostsDuring, TimeSpan Elapsed, string Message);

/// <summary>
/// Reads an event's conversation (docs/events.md, "How an event is read"): one scan of the posts
/// from the start of its "before" window to the end of its "after" window that carry one of its
/// hashtags or keywords (and, before it, its profile's topic, which says who was quiet), into a
/// temporary table; from there, in PostgreSQL, the volume by hour or day in the event's time zone,
/// each participant's posts, engagement and reach per phase, their audience during the window, the
/// shared links, hashtags and countries. Roles (<see cref="EventRoles"/>) are assigned here. The
/// reading is stored as a new analysis and becomes the one shown when complete; a failed reading
/// leaves the previous one shown. Bots and opted-out persons are left out.
/// </summary>
public sealed class EventAnalyzer(NpgsqlDataSource dataSource, CrossProcessLock locks, EventStore events, ScoringProfiles profiles, ILogger<EventAnalyzer> logger)
{
    /// <summary>Analyses kept per event (the newest complete ones); older ones are removed with their rows.</summary>
    public const int KeptAnalyses = 2;
    /// <summary>The HCP confidence a participant needs to count as an HCP.</summary>
    public const double HcpConfidence = 0.5;

    /// <summary>Reads the event named <paramref name="name"/>; null when there is no such event.</summary>
    public async Task<EventAnalysisReport?> AnalyzeAsync(string name, CancellationToken cancellationToken)
    {
        var stored = await events.LatestAsync(name, cancellationToken);
        return stored is null ? null : await AnalyzeAsync(stored, cancellationToken);
    }

    /// <summary>Reads every event, or with <paramref name="onlyStale"/> only those whose reading may be out of date.</summary>
    public async Task<IReadOnlyList<EventAnalysisReport>> AnalyzeAllAsync(bool onlyStale, CancellationToken cancellationToken)
    {
        var reports = new List<EventAnalysisReport>();
        foreach (var stored in await events.LatestAsync(cancellationToken))
        {
            if (onlyStale && !await IsStaleAsync(stored, cancellationToken))
            {
                continue;
            }
            reports.Add(await AnalyzeAsync(stored, cancellationToken));
        }
        return reports;
    }

    /// <summary>
    /// True when the event's reading may be out of date: never read, read from an older version, or
    /// read before an ingestion run that stored or changed posts finished (posts arrive only through
    /// ingestion — sources and imports, backfills of old days included; erasure mends the readings
    /// itself). So the readings queued after each profile's scoring run read an event once per new data.
    /// </summary>
    private async Task<bool> IsStaleAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT a.event_version_id,
                   EXISTS (SELECT 1 FROM ingestion_runs i WHERE i.finished_at >= a.started_at AND i.new + i.updated > 0)
            FROM event_analyses a
            WHERE a.event_id = @event AND a.status = @complete ORDER BY a.completed_at DESC LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("event", stored.EventId);
        command.Parameters.AddWithValue("complete", RunStatuses.Complete);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return !await reader.ReadAsync(cancellationToken) || reader.GetInt32(0) != stored.VersionId || reader.GetBoolean(1);
    }

    /// <summary>Reads <paramref name="stored"/> now.</summary>
    public async Task<EventAnalysisReport> AnalyzeAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        var definition = stored.Definition;
        var clock = Stopwatch.StartNew();
        await using var held = await locks.AcquireAsync("event:" + definition.Name, cancellationToken: cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long analysisId;
        await using (var start = new NpgsqlCommand("""
            INSERT INTO event_analyses (event_id, event_version_id, status, started_at, details)
            VALUES (@event, @version, @running, now(), '{}') RETURNING id
            """, connection))
        {
            start.Parameters.AddWithValue("event", stored.EventId);
            start.Parameters.AddWithValue("version", stored.VersionId);
            start.Parameters.AddWithValue("running", RunStatuses.Running);
            analysisId = (long)(await start.ExecuteScalarAsync(cancellationToken))!;
        }
        // Held while this process reads, so a crash leaves a reading the recovery can tell is dead.
        await RunLiveness.HoldAsync(connection, RunLiveness.Event, analysisId, cancellationToken);
        try
        {
            var topic = definition.Profile is { } profileName ? (await profiles.LatestAsync(profileName, cancellationToken))?.Definition : null;
            var (participants, postsDuring) = await ReadAsync(connection, analysisId, definition, topic, cancellationToken);
            await using (var complete = new NpgsqlCommand("""
                UPDATE event_analyses SET status = @complete, completed_at = now() WHERE id = @id;
                DELETE FROM event_analyses WHERE event_id = @event AND status <> @running AND id NOT IN (
                    SELECT id FROM event_analyses WHERE event_id = @event AND status = @complete ORDER BY completed_at DESC LIMIT @kept);
                """, connection))
            {
                complete.Parameters.AddWithValue("complete", RunStatuses.Complete);
                complete.Parameters.AddWithValue("running", RunStatuses.Running);
                complete.Parameters.AddWithValue("id", analysisId);
                complete.Parameters.AddWithValue("event", stored.EventId);
                complete.Parameters.AddWithValue("kept", KeptAnalyses);
                await complete.ExecuteNonQueryAsync(cancellationToken);
            }
            var message = $"{definition.Name} v{stored.Version}: {postsDuring:N0} posts during the event by {participants:N0} persons, read in {clock.Elapsed.TotalSeconds:0.0} s.";
            logger.LogInformation("Event read: {Message}", message);
            return new EventAnalysisReport(analysisId, definition.Name, true, participants, postsDuring, clock.Elapsed, message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await FailAsync(analysisId, $"{e.GetType().Name}: {e.Message}");
            logger.LogWarning(e, "Reading event {Event} failed", definition.Name);
            return new EventAnalysisReport(analysisId, definition.Name, false, 0, 0, clock.Elapsed,
                $"{definition.Name}: reading the event failed: {e.Message} The previous reading is still the one shown.");
        }
        catch (OperationCanceledException)
        {
            await FailAsync(analysisId, "cancelled");
            throw;
        }
        finally
        {
            await RunLiveness.ReleaseAsync(connection, RunLiveness.Event, analysisId);
        }
    }

    private async Task FailAsync(long analysisId, string reason)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        // The rows a failed reading wrote name people and are never shown: they go with it.
        await using var command = new NpgsqlCommand("""
            UPDATE event_analyses SET status = @failed, completed_at = now(), error = @error WHERE id = @id;
            DELETE FROM event_persons WHERE analysis_id = @id;
            DELETE FROM event_buckets WHERE analysis_id = @id;
            """, connection);
        command.Parameters.AddWithValue("failed", RunStatuses.Failed);
        command.Parameters.AddWithValue("error", reason);
        command.Parameters.AddWithValue("id", analysisId);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static string[] Likes(IEnumerable<string> keywords) =>
        [.. keywords.Select(k => k.Trim().ToLowerInvariant()).Where(k => k.Length > 0)
            .Select(k => "%" + string.Join("%", k.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Data.Like.Escape)) + "%")];

    private static async Task<(int Participants, int PostsDuring)> ReadAsync(NpgsqlConnection connection, long analysisId, EventDefinition definition, ProfileDefinition? topic, CancellationToken cancellationToken)
    {
        var windows = definition.Windows();
        // A cheap LIKE filter first; the exact word-boundary expression then runs on few posts.
        const string eventMatch = "(p.hashtags && @tags OR (@pattern::text IS NOT NULL AND lower(p.text) LIKE ANY (@likes) AND p.text ~* @pattern::text))";
        const string topicMatch = "(p.hashtags && @topicTags OR (@topicPattern::text IS NOT NULL AND lower(p.text) LIKE ANY (@topicLikes) AND p.text ~* @topicPattern::text))";
        await using (var scan = new NpgsqlCommand($"""
            DROP TABLE IF EXISTS event_scan;
            CREATE TEMP TABLE event_scan AS
            SELECT p.id, p.account_id, a.person_id, p.created_at,
                   CASE WHEN p.created_at < @start THEN -1 WHEN p.created_at < @end THEN 0 ELSE 1 END AS phase,
                   {eventMatch} AS in_event,
                   p.likes::bigint + p.replies + p.reposts + p.quotes AS engagement,
                   p.hashtags, p.urls, coalesce(a.followers, 0) AS followers,
                   (n.profession = ANY (@hcp) AND coalesce(n.hcp_confidence, 0) >= @confidence) AS hcp
            FROM posts p
            JOIN accounts a ON a.id = p.account_id
            JOIN persons n ON n.id = a.person_id
            WHERE p.created_at >= @from AND p.created_at < @to AND p.deleted_at IS NULL AND NOT a.is_bot_like
              AND ({eventMatch} OR (p.created_at < @start AND {topicMatch}))
              AND NOT {OptOutSql.IsOptedOut("a.person_id")};
            ANALYZE event_scan;
            """, connection) { CommandTimeout = 0 })
        {
            scan.Parameters.AddWithValue("from", windows.BeforeFrom);
            scan.Parameters.AddWithValue("start", windows.Start);
            scan.Parameters.AddWithValue("end", windows.End);
            scan.Parameters.AddWithValue("to", windows.AfterTo);
            scan.Parameters.AddWithValue("tags", definition.Hashtags.ToArray());
            scan.Parameters.Add(new NpgsqlParameter("pattern", NpgsqlDbType.Text) { Value = (object?)ScoringVocabulary.KeywordPattern(definition.Keywords) ?? DBNull.Value });
            scan.Parameters.AddWithValue("likes", Likes(definition.Keywords));
            scan.Parameters.AddWithValue("topicTags", (topic?.Hashtags ?? []).ToArray());
            scan.Parameters.Add(new NpgsqlParameter("topicPattern", NpgsqlDbType.Text) { Value = (object?)ScoringVocabulary.KeywordPattern(topic?.Keywords ?? []) ?? DBNull.Value });
            scan.Parameters.AddWithValue("topicLikes", Likes(topic?.Keywords ?? []));
            scan.Parameters.AddWithValue("hcp", HcpLabels.Hcp.ToArray());
            scan.Parameters.AddWithValue("confidence", HcpConfidence);
            await scan.ExecuteNonQueryAsync(cancellationToken);
        }

        // Volume: by day over every window, and by hour around a short event, in the event's time zone.
        await using (var buckets = new NpgsqlCommand("""
            INSERT INTO event_buckets (analysis_id, hours, starts_at, posts, hcp_posts, authors)
            SELECT @analysis, 24, date_trunc('day', created_at AT TIME ZONE @tz) AT TIME ZONE @tz, count(*), count(*) FILTER (WHERE hcp), count(DISTINCT person_id)
            FROM event_scan WHERE in_event GROUP BY 3;
            INSERT INTO event_buckets (analysis_id, hours, starts_at, posts, hcp_posts, authors)
            SELECT @analysis, 1, date_trunc('hour', created_at AT TIME ZONE @tz) AT TIME ZONE @tz, count(*), count(*) FILTER (WHERE hcp), count(DISTINCT person_id)
            FROM event_scan WHERE in_event AND @hourly AND created_at >= @start - interval '1 day' AND created_at < @end + interval '1 day' GROUP BY 3;
            """, connection) { CommandTimeout = 0 })
        {
            buckets.Parameters.AddWithValue("analysis", analysisId);
            buckets.Parameters.AddWithValue("tz", definition.TimeZone);
            buckets.Parameters.AddWithValue("hourly", definition.Hourly);
            buckets.Parameters.AddWithValue("start", windows.Start);
            buckets.Parameters.AddWithValue("end", windows.End);
            await buckets.ExecuteNonQueryAsync(cancellationToken);
        }

        // Each participant during the window: posts and engagement per phase, reach, audience, topic before.
        var rows = new Dictionary<long, EventPerson>();
        await using (var people = new NpgsqlCommand("""
            WITH during AS (SELECT DISTINCT person_id FROM event_scan WHERE in_event AND phase = 0),
            reach AS (SELECT person_id, sum(followers)::bigint AS reach FROM (SELECT DISTINCT person_id, account_id, followers FROM event_scan WHERE in_event AND phase = 0) r GROUP BY person_id),
            handles AS (SELECT a.person_id, string_agg(a.platform || ':' || coalesce(nullif(a.handle, ''), a.external_id), ' ' ORDER BY a.platform || ':' || coalesce(nullif(a.handle, ''), a.external_id)) AS handles
                        FROM accounts a JOIN during d ON d.person_id = a.person_id WHERE NOT a.is_stub GROUP BY a.person_id),
            counts AS (
                SELECT s.person_id,
                       count(*) FILTER (WHERE in_event AND phase = -1) AS b, count(*) FILTER (WHERE in_event AND phase = 0) AS d, count(*) FILTER (WHERE in_event AND phase = 1) AS a,
                       coalesce(sum(engagement) FILTER (WHERE in_event AND phase = -1), 0)::bigint AS eb, coalesce(sum(engagement) FILTER (WHERE in_event AND phase = 0), 0)::bigint AS ed,
                       coalesce(sum(engagement) FILTER (WHERE in_event AND phase = 1), 0)::bigint AS ea,
                       count(*) FILTER (WHERE phase = -1) AS topic, bool_or(hcp) AS hcp
                FROM event_scan s JOIN during d ON d.person_id = s.person_id GROUP BY s.person_id)
            SELECT c.person_id, c.b, c.d, c.a, c.eb, c.ed, c.ea, c.topic, c.hcp, r.reach,
                   n.public_id, n.display_name, coalesce(h.handles, ''), n.profession, n.specialty, n.country
            FROM counts c JOIN persons n ON n.id = c.person_id LEFT JOIN reach r ON r.person_id = c.person_id LEFT JOIN handles h ON h.person_id = c.person_id
            """, connection) { CommandTimeout = 0 })
        await using (var reader = await people.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var person = reader.GetInt64(0);
                rows[person] = new EventPerson
                {
                    AnalysisId = analysisId, PersonId = person, Role = EventRoles.Participant,
                    PostsBefore = (int)reader.GetInt64(1), PostsDuring = (int)reader.GetInt64(2), PostsAfter = (int)reader.GetInt64(3),
                    EngagementBefore = reader.GetInt64(4), EngagementDuring = reader.GetInt64(5), EngagementAfter = reader.GetInt64(6),
                    TopicPostsBefore = (int)reader.GetInt64(7), Hcp = reader.GetBoolean(8), ReachDuring = reader.IsDBNull(9) ? 0 : reader.GetInt64(9),
                    PublicId = reader.GetString(10), DisplayName = reader.IsDBNull(11) ? null : reader.GetString(11), Handles = reader.GetString(12),
                    Profession = reader.IsDBNull(13) ? null : reader.GetString(13), Specialty = reader.IsDBNull(14) ? null : reader.GetString(14),
                    Country = reader.IsDBNull(15) ? null : reader.GetString(15),
                };
            }
        }
        // Their audience: the distinct persons who replied to, quoted, reposted or mentioned them during the window (anywhere, not only with the event's tags).
        await using (var audience = new NpgsqlCommand($"""
            WITH targets AS (SELECT DISTINCT a.id AS account_id, a.person_id FROM accounts a WHERE a.person_id = ANY (@persons))
            SELECT t.person_id, count(DISTINCT sa.person_id),
                   count(DISTINCT sa.person_id) FILTER (WHERE sn.profession = ANY (@hcp) AND coalesce(sn.hcp_confidence, 0) >= @confidence)
            FROM targets t
            JOIN interactions i ON i.target_account_id = t.account_id
            JOIN accounts sa ON sa.id = i.source_account_id
            JOIN persons sn ON sn.id = sa.person_id
            WHERE i.occurred_at >= @start AND i.occurred_at < @end AND sa.person_id <> t.person_id AND NOT sa.is_bot_like
              AND NOT {OptOutSql.IsOptedOut("sa.person_id")}
            GROUP BY t.person_id
            """, connection) { CommandTimeout = 0 })
        {
            audience.Parameters.AddWithValue("persons", rows.Keys.ToArray());
            audience.Parameters.AddWithValue("start", windows.Start);
            audience.Parameters.AddWithValue("end", windows.End);
            audience.Parameters.AddWithValue("hcp", HcpLabels.Hcp.ToArray());
            audience.Parameters.AddWithValue("confidence", HcpConfidence);
            await using var reader = await audience.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = rows[reader.GetInt64(0)];
                row.Audience = (int)reader.GetInt64(1);
                row.HcpAudience = (int)reader.GetInt64(2);
            }
        }
        foreach (var (participant, rank, newVoice, role) in EventRoles.Assign(rows.Values.Select(r => new EventParticipant(r.PersonId, r.PostsDuring, r.EngagementDuring, r.TopicPostsBefore))))
        {
            var row = rows[participant.PersonId];
            row.Rank = rank;
            row.NewVoice = newVoice;
            row.Role = role;
        }
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY event_persons (analysis_id, person_id, rank, posts_before, posts_during, posts_after, engagement_before, engagement_during, engagement_after,
                                reach_during, audience, hcp_audience, topic_posts_before, hcp, new_voice, role,
                                public_id, display_name, handles, profession, specialty, country) FROM STDIN (FORMAT BINARY)
            """, cancellationToken))
        {
            foreach (var r in rows.Values.OrderBy(r => r.Rank))
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(r.AnalysisId, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(r.PersonId, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(r.Rank, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.PostsBefore, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.PostsDuring, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.PostsAfter, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.EngagementBefore, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(r.EngagementDuring, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(r.EngagementAfter, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(r.ReachDuring, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(r.Audience, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.HcpAudience, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.TopicPostsBefore, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(r.Hcp, NpgsqlDbType.Boolean, cancellationToken);
                await writer.WriteAsync(r.NewVoice, NpgsqlDbType.Boolean, cancellationToken);
                await writer.WriteAsync(r.Role, NpgsqlDbType.Text, cancellationToken);
                foreach (var text in new[] { r.PublicId, r.DisplayName, r.Handles, r.Profession, r.Specialty, r.Country })
                {
                    if (text is null)
                    {
                        await writer.WriteNullAsync(cancellationToken);
                    }
                    else
                    {
                        await writer.WriteAsync(text, NpgsqlDbType.Text, cancellationToken);
                    }
                }
            }
            await writer.CompleteAsync(cancellationToken);
        }

        // The conversation per phase, links, hashtags, countries and the most engaged posts.
        var details = new Dictionary<string, object?>
        {
            ["windows"] = new { before_from = windows.BeforeFrom, start = windows.Start, end = windows.End, after_to = windows.AfterTo },
            ["rule"] = new { leaders = EventRoles.Leaders, prominent_top = EventRoles.ProminentTop, min_posts_during = EventRoles.MinPostsDuring, quiet_below = EventRoles.QuietBelow, before_days = definition.EffectiveBeforeDays, topic_profile = topic?.Name },
        };
        var phases = new List<object>();
        await using (var command = new NpgsqlCommand("""
            SELECT phase, count(*), count(*) FILTER (WHERE hcp), count(DISTINCT person_id), count(DISTINCT person_id) FILTER (WHERE hcp), coalesce(sum(engagement), 0)::bigint
            FROM event_scan WHERE in_event GROUP BY phase ORDER BY phase
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                phases.Add(new { phase = reader.GetInt32(0), posts = reader.GetInt64(1), hcp_posts = reader.GetInt64(2), authors = reader.GetInt64(3), hcp_authors = reader.GetInt64(4), engagement = reader.GetInt64(5) });
            }
        }
        details["phases"] = phases;
        var links = new List<object>();
        await using (var command = new NpgsqlCommand("""
            SELECT u, count(*), count(DISTINCT person_id) FROM event_scan, unnest(urls) AS u
            WHERE in_event AND phase = 0 GROUP BY u ORDER BY 2 DESC, 3 DESC, u LIMIT 20
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var url = reader.GetString(0);
                links.Add(new { url, kind = EventLinks.KindOf(url), posts = reader.GetInt64(1), persons = reader.GetInt64(2) });
            }
        }
        details["links"] = links;
        var hashtags = new List<object>();
        await using (var command = new NpgsqlCommand("""
            SELECT h, count(*), count(DISTINCT person_id) FROM event_scan, unnest(hashtags) AS h
            WHERE in_event AND phase = 0 GROUP BY h ORDER BY 2 DESC, h LIMIT 20
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                hashtags.Add(new { hashtag = reader.GetString(0), posts = reader.GetInt64(1), persons = reader.GetInt64(2) });
            }
        }
        details["hashtags"] = hashtags;
        var countries = new List<object>();
        await using (var command = new NpgsqlCommand("""
            SELECT n.country, count(*), count(*) FILTER (WHERE d.hcp)
            FROM (SELECT person_id, bool_or(hcp) AS hcp FROM event_scan WHERE in_event AND phase = 0 GROUP BY person_id) d
            JOIN persons n ON n.id = d.person_id GROUP BY n.country ORDER BY 2 DESC, 1 NULLS LAST
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                countries.Add(new { country = reader.IsDBNull(0) ? null : reader.GetString(0), persons = reader.GetInt64(1), hcps = reader.GetInt64(2) });
            }
        }
        details["countries"] = countries;
        var top = new List<object>();
        await using (var command = new NpgsqlCommand("""
            SELECT id, account_id, person_id, engagement FROM event_scan WHERE in_event AND phase = 0 ORDER BY engagement DESC, id LIMIT 10
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                top.Add(new { post_id = reader.GetInt64(0), account_id = reader.GetInt64(1), person_id = reader.GetInt64(2), engagement = reader.GetInt64(3) });
            }
        }
        details["top_posts"] = top;
        await using (var finish = new NpgsqlCommand("""
            UPDATE event_analyses SET details = @details::jsonb, data_until = (SELECT max(created_at) FROM posts WHERE deleted_at IS NULL) WHERE id = @id;
            DROP TABLE IF EXISTS event_scan;
            """, connection))
        {
            finish.Parameters.AddWithValue("details", JsonSerializer.Serialize(details));
            finish.Parameters.AddWithValue("id", analysisId);
            await finish.ExecuteNonQueryAsync(cancellationToken);
        }
        return (rows.Count, rows.Values.Sum(r => r.PostsDuring));
    }
}
