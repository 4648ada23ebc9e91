using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Compliance;

/// <summary>How an opt-out names its person: by a handle, an account id on a platform, or the person (id or import key).</summary>
public enum OptOutBy
{
    Handle,
    Account,
    Person,
}

public sealed record OptOutRequest(OptOutBy By, string? Platform, string Value, string Reason);

public sealed record OptOutResult(bool Done, string Message, long? OptOutId = null, long? PersonId = null, int Accounts = 0);

/// <summary>One opt-out as an admin made it, with what it covers.</summary>
public sealed record OptOutRow(long Id, DateTime CreatedAt, string? CreatedBy, string Named, long? PersonId, string? PersonName, bool PersonExists, int Accounts, string? Reason);

/// <summary>What an erasure removed, by kind (counts only: the audit log keeps no personal data).</summary>
public sealed record ErasureResult(bool Done, string Message, IReadOnlyDictionary<string, long> Removed);

/// <summary>
/// The opt-out registry and erasure (docs/admin.md, "Opt-outs and erasure"). An opt-out names a handle, an account
/// or a person; it is resolved to the person at once and recorded with every identifier of theirs —
/// the person, their import key and NPI, and one row per account (platform, id, handle) — so the
/// rankings, profiles and exports leave them out from that moment (<see cref="OptOutSql"/>), and
/// neither ingestion nor import stores them again, even after an erasure has removed the person.
/// Erasure purges everything held about the person and leaves only those opt-out rows.
/// Both are audited with ids and counts, never with the person's name or handles.
/// </summary>
public sealed class OptOutRegistry(NpgsqlDataSource dataSource)
{
    public async Task<OptOutResult> OptOutAsync(OptOutRequest request, string? user, CancellationToken cancellationToken)
    {
        var value = request.Value?.Trim() ?? "";
        var platform = request.Platform?.Trim().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return new OptOutResult(false, "Give the reason (for example, the person's request and its date): it is kept with the opt-out.");
        }
        if (value.Length == 0)
        {
            return new OptOutResult(false, request.By switch
            {
                OptOutBy.Handle => "Give the handle.",
                OptOutBy.Account => "Give the account's id on the platform.",
                _ => "Give the person's id or import key.",
            });
        }
        if (request.By != OptOutBy.Person && (platform is null || !Platforms.All.Contains(platform)))
        {
            return new OptOutResult(false, $"Choose the platform ({string.Join(", ", Platforms.All)}).");
        }
        if (request.By == OptOutBy.Handle)
        {
            value = value.TrimStart('@');
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var persons = await ResolveAsync(connection, transaction, request.By, platform, value, cancellationToken);
        if (request.By == OptOutBy.Person && persons.Count == 0)
        {
            return new OptOutResult(false, $"No person has the id or import key '{value}'.");
        }
        if (persons.Count > 1)
        {
            return new OptOutResult(false, $"'{value}' names {persons.Count} persons' accounts on {platform}; opt out by account id or by person instead.");
        }
        long? personId = persons.Count == 1 ? persons[0] : null;
        if (personId is { } existing && await AlreadyOptedOutAsync(connection, transaction, existing, cancellationToken) is { } previous)
        {
            return new OptOutResult(false, $"This person has already opted out (opt-out #{previous}); nothing was added.", previous, existing);
        }
        var id = await InsertAsync(connection, transaction, request.By, platform, value, personId, request.Reason.Trim(), user, cancellationToken);
        var accounts = personId is { } p ? await CoverAccountsAsync(connection, transaction, id, p, request.Reason.Trim(), user, cancellationToken) : 0;
        await AuditLog.WriteAsync(connection, transaction, user, "optout.created", personId is null ? $"opt-out {id}" : $"person {personId}",
            new { opt_out = id, person = personId, by = request.By.ToString().ToLowerInvariant(), platform, accounts }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OptOutResult(true, personId is null
            ? $"Opted out: no stored account matches yet, and from now on {platform} {(request.By == OptOutBy.Handle ? "@" + value : "account " + value)} is never stored."
            : $"Opted out person {personId} ({accounts} account{(accounts == 1 ? "" : "s")}): they are gone from rankings, profiles and exports now, and no import or ingestion stores them again.",
            id, personId, accounts);
    }

    public async Task<IReadOnlyList<OptOutRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT o.id, o.created_at, o.created_by, o.platform, o.handle, o.account_external_id, o.person_key, o.person_id, p.display_name, p.id IS NOT NULL,
                   (SELECT count(*) FROM opt_outs c WHERE c.parent_id = o.id)::int, o.reason
            FROM opt_outs o LEFT JOIN persons p ON p.id = o.person_id
            WHERE o.parent_id IS NULL
            ORDER BY o.created_at DESC, o.id DESC
            """);
        var rows = new List<OptOutRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var named = S(4) is { } handle ? $"{S(3)} @{handle}"
                : S(5) is { } account ? $"{S(3)} account {account}"
                : S(6) is { } key ? $"person key {key}"
                : reader.IsDBNull(7) ? "—" : $"person {reader.GetInt64(7)}";
            rows.Add(new OptOutRow(reader.GetInt64(0), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc), S(2), named,
                reader.IsDBNull(7) ? null : reader.GetInt64(7), S(8), reader.GetBoolean(9), reader.GetInt32(10), S(11)));
        }
        return rows;
    }

    /// <summary>
    /// Erases a person (a data subject's request), following admins' merges both ways (a merge
    /// said the persons are one human): opts them out first if they are not (every identifier
    /// kept — their accounts, import keys and NPIs — so nothing of theirs is stored again), then
    /// deletes, in one transaction, their persons, accounts, posts, interactions both ways, scores,
    /// evidence and persona assignments (in detached run tables too), CRM records, shortlist
    /// entries, feedback, merge history, quarantined lines and pending CRM uploads naming them,
    /// the stored content of uploads no import is reading, source cursors keyed by their accounts,
    /// and their ids and @handles in others' posts. Only the opt-out registry keeps them.
    /// </summary>
    public async Task<ErasureResult> EraseAsync(long personId, string reason, string? user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return new ErasureResult(false, "Give the reason (the data subject's request and its date).", new Dictionary<string, long>());
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM persons WHERE id = @id", connection, transaction))
        {
            exists.Parameters.AddWithValue("id", personId);
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                return new ErasureResult(false, $"Person {personId} does not exist (already erased?).", new Dictionary<string, long>());
            }
        }

        var removed = new Dictionary<string, long>();
        // What the distributed tables' statements need of the erased accounts, as parameters: on a
        // Citus cluster (docs/operations.md) a statement that changes posts or interactions may not
        // read a table of the coordinator's, such as erased_accounts.
        long[] ids = [];
        // keys: "platform:external_id", as posts name an account (its platform is the post's).
        string[] accountKeys = [], externalIds = [], handles = [];
        async Task Step(string name, string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("person", personId);
            command.Parameters.AddWithValue("ids", ids);
            command.Parameters.AddWithValue("keys", accountKeys);
            command.Parameters.AddWithValue("external_ids", externalIds);
            command.Parameters.AddWithValue("handles", handles);
            removed[name] = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        // The merge group: up to the person everything was merged into, then everyone merged into it.
        await Step("persons_noted", """
            CREATE TEMP TABLE erased_persons ON COMMIT DROP AS
            WITH RECURSIVE up AS (
                SELECT id, merged_into FROM persons WHERE id = @person
                UNION SELECT p.id, p.merged_into FROM persons p JOIN up ON p.id = up.merged_into),
            down AS (
                SELECT id FROM up WHERE merged_into IS NULL
                UNION SELECT p.id FROM persons p JOIN down d ON p.merged_into = d.id)
            SELECT id FROM down UNION SELECT @person
            """);
        var group = new List<long>();
        await using (var read = new NpgsqlCommand("SELECT id FROM erased_persons ORDER BY id", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                group.Add(reader.GetInt64(0));
            }
        }

        long? optOut = null;
        foreach (var member in group.Prepend(personId).Distinct())
        {
            optOut ??= await AlreadyOptedOutAsync(connection, transaction, member, cancellationToken);
        }
        optOut ??= await InsertAsync(connection, transaction, OptOutBy.Person, null, personId.ToString(System.Globalization.CultureInfo.InvariantCulture), personId, reason.Trim(), user, cancellationToken);
        foreach (var member in group)
        {
            // Accounts the persons gained since the opt-out (a merge) are covered too.
            await CoverAccountsAsync(connection, transaction, optOut.Value, member, reason.Trim(), user, cancellationToken);
        }
        await using (var keys = new NpgsqlCommand("""
            INSERT INTO opt_outs (person_id, npi, person_key, parent_id, reason, created_at, created_by)
            SELECT p.id, p.npi, p.public_id, @parent, @reason, now(), @user
            FROM persons p JOIN erased_persons e ON e.id = p.id
            WHERE NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.person_key = p.public_id)
            """, connection, transaction))
        {
            // Every import key and NPI of the group, so a later line naming any of them stores nothing.
            keys.Parameters.AddWithValue("parent", optOut.Value);
            keys.Parameters.AddWithValue("reason", reason.Trim());
            keys.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)user ?? DBNull.Value });
            await keys.ExecuteNonQueryAsync(cancellationToken);
        }

        await Step("accounts_noted", """
            CREATE TEMP TABLE erased_accounts ON COMMIT DROP AS
            SELECT id, platform, external_id, handle FROM accounts WHERE person_id IN (SELECT id FROM erased_persons)
            """);
        await using (var read = new NpgsqlCommand("SELECT id, platform, external_id, handle FROM erased_accounts ORDER BY id", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            List<long> idList = [];
            List<string> platformList = [], externalList = [], handleList = [];
            while (await reader.ReadAsync(cancellationToken))
            {
                idList.Add(reader.GetInt64(0));
                platformList.Add(reader.GetString(1));
                externalList.Add(reader.GetString(2));
                if (!reader.IsDBNull(3) && reader.GetString(3).Length > 0)
                {
                    handleList.Add(reader.GetString(3));
                }
            }
            (ids, accountKeys, externalIds, handles) = ([.. idList], [.. platformList.Zip(externalList, (p, e) => p + ":" + e)], [.. externalList], [.. handleList]);
        }
        // What names them in free text: ids, handles, names, keys and NPIs (short ones would match too much).
        await Step("terms_noted", """
            CREATE TEMP TABLE erased_terms ON COMMIT DROP AS
            SELECT DISTINCT v.term FROM (
                SELECT external_id AS term FROM erased_accounts
                UNION ALL SELECT handle FROM erased_accounts
                UNION ALL SELECT a.name FROM accounts a WHERE a.person_id IN (SELECT id FROM erased_persons)
                UNION ALL SELECT p.display_name FROM persons p WHERE p.id IN (SELECT id FROM erased_persons)
                UNION ALL SELECT p.public_id FROM persons p WHERE p.id IN (SELECT id FROM erased_persons)
                UNION ALL SELECT p.npi FROM persons p WHERE p.id IN (SELECT id FROM erased_persons)
                UNION ALL SELECT a.npi FROM accounts a WHERE a.person_id IN (SELECT id FROM erased_persons)) t
            CROSS JOIN LATERAL (VALUES (t.term), (lower(t.term))) v(term)
            WHERE length(v.term) >= 4
            """);
        await Step("interactions", """
            DELETE FROM interactions WHERE source_account_id = ANY (@ids) OR target_account_id = ANY (@ids)
            """);
        await Step("references_in_others_posts", """
            UPDATE posts s SET
                reply_to_account_external_id = CASE WHEN s.platform || ':' || s.reply_to_account_external_id = ANY (@keys) THEN NULL ELSE s.reply_to_account_external_id END,
                quote_of_account_external_id = CASE WHEN s.platform || ':' || s.quote_of_account_external_id = ANY (@keys) THEN NULL ELSE s.quote_of_account_external_id END,
                repost_of_account_external_id = CASE WHEN s.platform || ':' || s.repost_of_account_external_id = ANY (@keys) THEN NULL ELSE s.repost_of_account_external_id END,
                mention_external_ids = ARRAY(SELECT m FROM unnest(s.mention_external_ids) m WHERE NOT s.platform || ':' || m = ANY (@keys))
            WHERE NOT s.account_id = ANY (@ids)
              AND (s.platform || ':' || s.reply_to_account_external_id = ANY (@keys)
                   OR s.platform || ':' || s.quote_of_account_external_id = ANY (@keys)
                   OR s.platform || ':' || s.repost_of_account_external_id = ANY (@keys)
                   OR (s.mention_external_ids && @external_ids AND ARRAY(SELECT s.platform || ':' || m FROM unnest(s.mention_external_ids) m) && @keys))
            """);
        // "@handle" in others' texts (handles are matched whole: @doc05 is not @doc050).
        await Step("handles_in_others_posts", """
            UPDATE posts p SET text = regexp_replace(p.text, '@(' || (SELECT string_agg(regexp_replace(h, '([^[:alnum:]])', '\\\1', 'g'), '|') FROM unnest(@handles) h) || ')(?![[:alnum:]_])', '@[erased]', 'gi')
            WHERE cardinality(@handles) > 0 AND NOT p.account_id = ANY (@ids)
              AND EXISTS (SELECT 1 FROM unnest(@handles) h WHERE strpos(lower(p.text), '@' || lower(h)) > 0)
            """);
        // The topic trends (docs/insights.md): their posts as examples, their ids as drivers, and any
        // item that names them (a term from their name or handle) go; the counts are no one's.
        foreach (var (table, named) in new[] { ("topic_trends", "item"), ("topic_concern_themes", "theme") })
        {
            await Step($"{table}_examples", $"""
                UPDATE {table} t
                SET example_post_ids = ARRAY(SELECT e.id FROM unnest(t.example_post_ids, t.example_account_ids) WITH ORDINALITY e(id, account_id, n)
                                             WHERE e.account_id NOT IN (SELECT id FROM erased_accounts) ORDER BY e.n),
                    example_account_ids = ARRAY(SELECT e.account_id FROM unnest(t.example_post_ids, t.example_account_ids) WITH ORDINALITY e(id, account_id, n)
                                                WHERE e.account_id NOT IN (SELECT id FROM erased_accounts) ORDER BY e.n)
                WHERE t.example_account_ids && ARRAY(SELECT id FROM erased_accounts)
                """);
            await Step($"{table}_naming", $"""
                DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM erased_terms e WHERE strpos(lower(t.{named}), lower(e.term)) > 0)
                """);
        }
        await Step("trend_drivers", """
            UPDATE topic_trends t
            SET driver_person_ids = ARRAY(SELECT d.id FROM unnest(t.driver_person_ids, t.driver_posts) WITH ORDINALITY d(id, posts, n)
                                          WHERE d.id NOT IN (SELECT id FROM erased_persons) ORDER BY d.n),
                driver_posts = ARRAY(SELECT d.posts FROM unnest(t.driver_person_ids, t.driver_posts) WITH ORDINALITY d(id, posts, n)
                                     WHERE d.id NOT IN (SELECT id FROM erased_persons) ORDER BY d.n)
            WHERE t.driver_person_ids && ARRAY(SELECT id FROM erased_persons)
            """);
        // The product counts (docs/insights.md): their mentions per product go, their posts as examples
        // (with the tone each was read as) and their ids as drivers; the weekly counts are no one's.
        await Step("product_examples", """
            UPDATE product_summaries t
            SET example_post_ids = ARRAY(SELECT e.id FROM unnest(t.example_post_ids, t.example_account_ids) WITH ORDINALITY e(id, account_id, n)
                                         WHERE e.account_id NOT IN (SELECT id FROM erased_accounts) ORDER BY e.n),
                example_tones = ARRAY(SELECT e.tone FROM unnest(t.example_tones, t.example_account_ids) WITH ORDINALITY e(tone, account_id, n)
                                      WHERE e.account_id NOT IN (SELECT id FROM erased_accounts) ORDER BY e.n),
                example_account_ids = ARRAY(SELECT e.account_id FROM unnest(t.example_post_ids, t.example_account_ids) WITH ORDINALITY e(id, account_id, n)
                                            WHERE e.account_id NOT IN (SELECT id FROM erased_accounts) ORDER BY e.n)
            WHERE t.example_account_ids && ARRAY(SELECT id FROM erased_accounts)
            """);
        await Step("product_drivers", """
            UPDATE product_summaries t
            SET driver_person_ids = ARRAY(SELECT d.id FROM unnest(t.driver_person_ids, t.driver_mentions) WITH ORDINALITY d(id, mentions, n)
                                          WHERE d.id NOT IN (SELECT id FROM erased_persons) ORDER BY d.n),
                driver_mentions = ARRAY(SELECT d.mentions FROM unnest(t.driver_person_ids, t.driver_mentions) WITH ORDINALITY d(id, mentions, n)
                                        WHERE d.id NOT IN (SELECT id FROM erased_persons) ORDER BY d.n)
            WHERE t.driver_person_ids && ARRAY(SELECT id FROM erased_persons)
            """);
        await Step("person_product_mentions", "DELETE FROM person_product_mentions WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("person_concern_themes", "DELETE FROM person_concern_themes WHERE person_id IN (SELECT id FROM erased_persons)");
        // Events (docs/events.md): their rows as participants (with the name and handles kept for the
        // report), their posts among an event's most engaged, and shared links that name them; the
        // volume counts are no one's.
        await Step("event_persons", "DELETE FROM event_persons WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("event_top_posts", """
            UPDATE event_analyses a
            SET details = jsonb_set(a.details, '{top_posts}', coalesce((SELECT jsonb_agg(t ORDER BY n) FROM jsonb_array_elements(a.details -> 'top_posts') WITH ORDINALITY x(t, n)
                                                                       WHERE (t ->> 'person_id')::bigint NOT IN (SELECT id FROM erased_persons)), '[]'::jsonb))
            WHERE jsonb_typeof(a.details -> 'top_posts') = 'array'
              AND EXISTS (SELECT 1 FROM jsonb_array_elements(a.details -> 'top_posts') t WHERE (t ->> 'person_id')::bigint IN (SELECT id FROM erased_persons))
            """);
        await Step("event_links", """
            UPDATE event_analyses a
            SET details = jsonb_set(a.details, '{links}', coalesce((SELECT jsonb_agg(l ORDER BY n) FROM jsonb_array_elements(a.details -> 'links') WITH ORDINALITY x(l, n)
                                                                   WHERE NOT EXISTS (SELECT 1 FROM erased_terms e WHERE strpos(lower(l ->> 'url'), lower(e.term)) > 0)), '[]'::jsonb))
            WHERE jsonb_typeof(a.details -> 'links') = 'array'
              AND EXISTS (SELECT 1 FROM jsonb_array_elements(a.details -> 'links') l, erased_terms e WHERE strpos(lower(l ->> 'url'), lower(e.term)) > 0)
            """);
        await Step("posts", "DELETE FROM posts WHERE account_id = ANY (@ids)");
        await Step("quarantined_lines", """
            DELETE FROM quarantine q WHERE EXISTS (
                SELECT 1 FROM erased_terms t WHERE strpos(lower(coalesce(q.raw, '') || ' ' || coalesce(q.origin, '') || ' ' || q.reason), lower(t.term)) > 0)
            """);
        await Step("pending_crm_uploads", """
            DELETE FROM crm_uploads u WHERE EXISTS (
                SELECT 1 FROM erased_terms t
                WHERE position(convert_to(t.term, 'UTF8') IN u.content) > 0)
            """);
        // An upload's stored lines may be compressed, so they cannot be searched: the content of
        // every upload that no import is reading goes (a waiting or running import stores nothing
        // of theirs, and deletes its content when done).
        await Step("upload_content", $"""
            DELETE FROM upload_chunks c USING uploads u
            WHERE u.id = c.upload_id
              AND NOT EXISTS (SELECT 1 FROM ingestion_runs r WHERE r.id = u.run_id AND r.status = '{RunStatuses.Running}')
            """);
        await Step("source_cursors", """
            DELETE FROM source_cursors c WHERE EXISTS (
                SELECT 1 FROM erased_accounts e WHERE lower(c.query) IN ('feed:' || lower(e.handle), 'timeline:' || lower(e.external_id)))
            """);
        await Step("run_queries", """
            UPDATE ingestion_runs r SET query = '[erased]' WHERE EXISTS (
                SELECT 1 FROM erased_accounts e WHERE lower(r.query) IN ('feed:' || lower(e.handle), 'timeline:' || lower(e.external_id)))
            """);
        await Step("scores", "DELETE FROM person_scores WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("score_evidence", "DELETE FROM person_score_evidence WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("not_ranked", "DELETE FROM person_not_ranked WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("persona_assignments", "DELETE FROM persona_assignments WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("engagement_suggestions", "DELETE FROM person_engagement WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("patient_scores", "DELETE FROM patient_scores WHERE person_id IN (SELECT id FROM erased_persons)");
        // A queued potential adverse event without its post says nothing; a report already made lives in the safety system.
        await Step("adverse_events", "DELETE FROM adverse_events WHERE account_id IN (SELECT id FROM erased_accounts)");
        // A run's own table before it is attached (a run being written, or one a crash left behind).
        await Step("detached_scores", """
            DO $$
            DECLARE t regclass;
            BEGIN
                FOR t IN SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname ~ '^person_scores_run_[0-9]+$'
                           AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
                LOOP
                    EXECUTE format('DELETE FROM %s WHERE person_id IN (SELECT id FROM erased_persons)', t);
                END LOOP;
            END $$
            """);
        await Step("crm_relationships", """
            DELETE FROM crm_relationships r WHERE r.person_id IN (SELECT id FROM erased_persons)
               OR EXISTS (SELECT 1 FROM erased_accounts e WHERE e.platform = r.platform AND e.external_id = r.account_external_id)
               OR r.person_key IN (SELECT p.public_id FROM persons p WHERE p.id IN (SELECT id FROM erased_persons))
               OR r.npi IN (SELECT p.npi FROM persons p WHERE p.id IN (SELECT id FROM erased_persons))
            """);
        await Step("shortlist_entries", "DELETE FROM shortlist_entries WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("feedback", "DELETE FROM feedback WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("saved_view_members", "DELETE FROM saved_view_members WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("merge_history", """
            DELETE FROM person_merges WHERE kept_person_id IN (SELECT id FROM erased_persons) OR absorbed_person_id IN (SELECT id FROM erased_persons)
            """);
        await Step("merge_dismissals", """
            DELETE FROM merge_dismissals WHERE person_a IN (SELECT id FROM erased_persons) OR person_b IN (SELECT id FROM erased_persons)
            """);
        await Step("accounts", "DELETE FROM accounts WHERE person_id IN (SELECT id FROM erased_persons)");
        await Step("persons", "DELETE FROM persons WHERE id IN (SELECT id FROM erased_persons)");
        foreach (var noted in new[] { "persons_noted", "accounts_noted", "terms_noted", "detached_scores" })
        {
            removed.Remove(noted);
        }
        await AuditLog.WriteAsync(connection, transaction, user, "person.erased", $"person {personId}",
            new { person = personId, merged_persons = group.Count - 1, opt_out = optOut, removed }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ErasureResult(true, $"Erased person {personId}{(group.Count > 1 ? $" and {group.Count - 1} person(s) merged with them" : "")}: {removed["posts"]:N0} posts, {removed["accounts"]:N0} accounts, {removed["interactions"]:N0} interactions, {removed["scores"]:N0} scores. Only the opt-out record remains.", removed);
    }

    private static async Task<List<long>> ResolveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OptOutBy by, string? platform, string value, CancellationToken cancellationToken)
    {
        var sql = by switch
        {
            OptOutBy.Handle => "SELECT DISTINCT person_id FROM accounts WHERE platform = @platform AND lower(handle) = lower(@value)",
            OptOutBy.Account => "SELECT DISTINCT person_id FROM accounts WHERE platform = @platform AND external_id = @value",
            _ => "SELECT id FROM persons WHERE public_id = @value OR (@value ~ '^[0-9]{1,18}$' AND id = CASE WHEN @value ~ '^[0-9]{1,18}$' THEN @value::bigint END)",
        };
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("platform", (object?)platform ?? DBNull.Value);
        command.Parameters.AddWithValue("value", value);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    private static async Task<long?> AlreadyOptedOutAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long personId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT min(coalesce(o.parent_id, o.id)) FROM opt_outs o
            WHERE o.person_id = @person
               OR EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = @person AND a.platform = o.platform
                          AND (a.external_id = o.account_external_id OR lower(a.handle) = lower(o.handle)))
            """, connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    private static async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OptOutBy by, string? platform, string value, long? personId, string reason, string? user, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO opt_outs (person_id, platform, account_external_id, handle, npi, person_key, parent_id, reason, created_at, created_by)
            SELECT @person, @platform, @account, @handle, p.npi, p.public_id, NULL, @reason, now(), @user
            FROM (SELECT 1) x LEFT JOIN persons p ON p.id = @person
            RETURNING id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("person", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)personId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("platform", NpgsqlTypes.NpgsqlDbType.Text) { Value = by == OptOutBy.Person ? DBNull.Value : platform! });
        command.Parameters.Add(new NpgsqlParameter("account", NpgsqlTypes.NpgsqlDbType.Text) { Value = by == OptOutBy.Account ? value : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("handle", NpgsqlTypes.NpgsqlDbType.Text) { Value = by == OptOutBy.Handle ? value : DBNull.Value });
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)user ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>One opt-out row per account of the person not yet covered (platform, id, handle, NPI), under <paramref name="parentId"/>.</summary>
    private static async Task<int> CoverAccountsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long parentId, long personId, string reason, string? user, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO opt_outs (person_id, platform, account_external_id, handle, npi, parent_id, reason, created_at, created_by)
            SELECT a.person_id, a.platform, a.external_id, nullif(a.handle, ''), a.npi, @parent, @reason, now(), @user
            FROM accounts a
            WHERE a.person_id = @person
              AND NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.platform = a.platform AND o.account_external_id = a.external_id)
            """, connection, transaction);
        command.Parameters.AddWithValue("parent", parentId);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)user ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
