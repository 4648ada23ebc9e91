namespace DolMapper.Web.Ingestion;

/// <summary>
/// The statements of <see cref="IngestionWriterSession"/>, in the order a batch runs them.
/// Staging ("stage_*") tables hold the lines as they came; work ("work_*") tables hold one row per
/// key after de-duplication, with what the database already has beside it. All are temporary and
/// emptied at every commit.
/// </summary>
internal static class IngestionSql
{
    /// <summary>Raises temp_buffers where the session still allows it; keeps what it has otherwise.</summary>
    public const string TryRaiseTempBuffers = """
        DO $$
        BEGIN
            IF pg_size_bytes(current_setting('temp_buffers')) < pg_size_bytes('256MB') THEN
                PERFORM set_config('temp_buffers', '256MB', false);
            END IF;
        EXCEPTION WHEN invalid_parameter_value THEN
            NULL;
        END $$;

        """;

    public const string CreateStagingTables = """
        CREATE TEMP TABLE IF NOT EXISTS stage_accounts (
            seq bigint, platform text, external_id text, handle text, name text, bio text, location text,
            country text, followers bigint, following bigint, posts_count bigint, created_at timestamptz,
            url text, verified boolean, person text, npi text, observed_at timestamptz, country_confidence double precision) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_posts (
            seq bigint, platform text, external_id text, account_external_id text, created_at timestamptz,
            text text, lang text, reply_post text, reply_account text, quote_post text, quote_account text,
            repost_post text, repost_account text, mentions text[], hashtags text[], urls text[],
            likes int, replies int, reposts int, quotes int, observed_at timestamptz) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_deletions (seq bigint, platform text, external_id text) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_relationships (
            seq bigint, platform text, account_external_id text, person text, npi text, kind text, since date) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_blocked (platform text, external_id text) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS work_accounts (
            platform text, external_id text, handle text, name text, bio text, location text,
            country text, followers bigint, following bigint, posts_count bigint, created_at timestamptz,
            url text, verified boolean, person text, npi text, observed_at timestamptz, country_confidence double precision,
            is_stub boolean NOT NULL DEFAULT false, account_id bigint, old_person_id bigint, person_id bigint) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS work_posts (
            seq bigint, platform text, external_id text, account_id bigint, post_id bigint) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS changed_posts (account_id bigint, post_id bigint) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS work_relationships (
            platform text, account_external_id text, person text, npi text, kind text, since date,
            relationship_id bigint) ON COMMIT DELETE ROWS;
        CREATE INDEX IF NOT EXISTS work_accounts_key ON work_accounts (platform, external_id);
        CREATE INDEX IF NOT EXISTS work_posts_key ON work_posts (platform, external_id);
        """;

    public const string CopyAccounts = """
        COPY stage_accounts (seq, platform, external_id, handle, name, bio, location, country, followers, following,
            posts_count, created_at, url, verified, person, npi, observed_at, country_confidence) FROM STDIN (FORMAT BINARY)
        """;

    public const string CopyPosts = """
        COPY stage_posts (seq, platform, external_id, account_external_id, created_at, text, lang, reply_post,
            reply_account, quote_post, quote_account, repost_post, repost_account, mentions, hashtags, urls,
            likes, replies, reposts, quotes, observed_at) FROM STDIN (FORMAT BINARY)
        """;

    public const string CopyDeletions = "COPY stage_deletions (seq, platform, external_id) FROM STDIN (FORMAT BINARY)";

    public const string CopyRelationships = """
        COPY stage_relationships (seq, platform, account_external_id, person, npi, kind, since) FROM STDIN (FORMAT BINARY)
        """;

    // ---- deletions: a tombstone per key, the post purged (its interactions go with it) ----

    public const string InsertTombstones = """
        INSERT INTO post_tombstones (platform, external_id, deleted_at, reason)
        SELECT DISTINCT platform, external_id, now(), 'deleted at the source' FROM stage_deletions
        ON CONFLICT DO NOTHING
        """;

    public const string PurgeDeletedPosts = """
        WITH purged AS (
            DELETE FROM posts p USING (SELECT DISTINCT platform, external_id FROM stage_deletions) d
            WHERE p.platform = d.platform AND p.external_id = d.external_id
            RETURNING p.account_id, p.id)
        DELETE FROM interactions i USING purged x WHERE i.source_account_id = x.account_id AND i.post_id = x.id
        """;

    /// <summary>No line brings a deleted post back, whether the deletion came before or after it.</summary>
    public const string DropTombstonedPosts = """
        DELETE FROM stage_posts s USING post_tombstones t
        WHERE t.platform = s.platform AND t.external_id = s.external_id
        """;

    // ---- opt-outs: matched by account, handle, NPI or person; nothing of theirs is stored ----

    /// <summary>An opt-out that matches the account line <c>s</c> by its own fields.</summary>
    private const string OptOutMatchesLine = """
        EXISTS (
            SELECT 1 FROM opt_outs o
            WHERE (o.platform = s.platform AND (o.account_external_id = s.external_id OR lower(o.handle) = lower(s.handle)))
               OR (o.npi IS NOT NULL AND o.npi = s.npi)
               OR (o.person_id IS NOT NULL AND s.person IS NOT NULL
                   AND o.person_id = (SELECT p.id FROM persons p WHERE p.public_id = s.person))
               -- After an erasure the person row is gone; their import key still names them.
               OR (o.person_key IS NOT NULL AND o.person_key = s.person))
        """;

    public const string FindOptedOutAccounts = $"""
        INSERT INTO stage_blocked (platform, external_id)
        SELECT s.platform, s.external_id FROM stage_accounts s
        WHERE {OptOutMatchesLine}
        UNION
        SELECT a.platform, a.external_id FROM opt_outs o JOIN accounts a ON a.person_id = o.person_id
        UNION
        SELECT a.platform, a.external_id FROM opt_outs o JOIN accounts a ON a.platform = o.platform AND lower(a.handle) = lower(o.handle)
        UNION
        SELECT a.platform, a.external_id FROM opt_outs o JOIN accounts a ON a.npi = o.npi
        UNION
        SELECT o.platform, o.account_external_id FROM opt_outs o
        WHERE o.platform IS NOT NULL AND o.account_external_id IS NOT NULL
        """;

    /// <summary>
    /// Whether an opt-out matches one of these account lines by the line's own fields (not yet by a
    /// stored account): such a batch is written in one session, so its posts and the references to
    /// the account are dropped with it (<see cref="Import.ImportLanes"/>).
    /// </summary>
    public const string AnyAccountLineOptedOut = $"""
        SELECT EXISTS (
            SELECT 1 FROM unnest(@platforms::text[], @external_ids::text[], @handles::text[], @npis::text[], @persons::text[])
                AS s(platform, external_id, handle, npi, person)
            WHERE {OptOutMatchesLine})
        """;

    public const string DropOptedOutAccounts = """
        DELETE FROM stage_accounts s USING stage_blocked b
        WHERE s.platform = b.platform AND s.external_id = b.external_id
        """;

    public const string DropOptedOutPosts = """
        DELETE FROM stage_posts s USING stage_blocked b
        WHERE s.platform = b.platform AND s.account_external_id = b.external_id
        """;

    /// <summary>Others' posts stay, but without a pointer to the opted-out account.</summary>
    public const string StripOptedOutReferences = """
        UPDATE stage_posts s SET
            reply_account = CASE WHEN EXISTS (SELECT 1 FROM stage_blocked b WHERE b.platform = s.platform AND b.external_id = s.reply_account) THEN NULL ELSE s.reply_account END,
            quote_account = CASE WHEN EXISTS (SELECT 1 FROM stage_blocked b WHERE b.platform = s.platform AND b.external_id = s.quote_account) THEN NULL ELSE s.quote_account END,
            repost_account = CASE WHEN EXISTS (SELECT 1 FROM stage_blocked b WHERE b.platform = s.platform AND b.external_id = s.repost_account) THEN NULL ELSE s.repost_account END,
            mentions = ARRAY(SELECT m FROM unnest(s.mentions) m
                             WHERE NOT EXISTS (SELECT 1 FROM stage_blocked b WHERE b.platform = s.platform AND b.external_id = m))
        WHERE EXISTS (
            SELECT 1 FROM stage_blocked b
            WHERE b.platform = s.platform
              AND (b.external_id IN (s.reply_account, s.quote_account, s.repost_account) OR b.external_id = ANY (s.mentions)))
        """;

    public const string DropOptedOutRelationships = """
        DELETE FROM stage_relationships s USING stage_blocked b
        WHERE s.platform = b.platform AND s.account_external_id = b.external_id
        """;

    // ---- references that name only a post get that post's author, from this batch or the database ----

    private const string ResolveTemplate = """
        UPDATE stage_posts s SET {kind}_account = r.account_external_id
        FROM (SELECT DISTINCT ON (platform, external_id) platform, external_id, account_external_id FROM stage_posts
              ORDER BY platform, external_id, seq DESC) r
        WHERE s.{kind}_account IS NULL AND s.{kind}_post IS NOT NULL AND r.platform = s.platform AND r.external_id = s.{kind}_post;
        WITH found AS MATERIALIZED (
            SELECT p.platform, p.external_id, p.account_id FROM posts p
            WHERE (p.platform, p.external_id) IN (SELECT platform, {kind}_post FROM stage_posts WHERE {kind}_account IS NULL AND {kind}_post IS NOT NULL))
        UPDATE stage_posts s SET {kind}_account = a.external_id
        FROM found p JOIN accounts a ON a.id = p.account_id
        WHERE s.{kind}_account IS NULL AND s.{kind}_post IS NOT NULL AND p.platform = s.platform AND p.external_id = s.{kind}_post
        """;

    /// <summary>So a reply is an interaction even when the parent's author was not given (as on Bluesky, where the parent is a URI).</summary>
    public static readonly string ResolveReferencedAuthors = string.Join(";\n",
        ResolveTemplate.Replace("{kind}", "reply", StringComparison.Ordinal),
        ResolveTemplate.Replace("{kind}", "quote", StringComparison.Ordinal),
        ResolveTemplate.Replace("{kind}", "repost", StringComparison.Ordinal));

    // ---- accounts: one row per key, plus stubs for authors and mentions not seen yet ----

    public const string DedupeAccounts = """
        INSERT INTO work_accounts (platform, external_id, handle, name, bio, location, country, followers, following,
            posts_count, created_at, url, verified, person, npi, observed_at, country_confidence)
        SELECT DISTINCT ON (platform, external_id) platform, external_id, handle, name, bio, location, upper(country),
            followers, following, posts_count, created_at, url, verified, person, npi, observed_at, country_confidence
        FROM stage_accounts
        ORDER BY platform, external_id, observed_at DESC, seq DESC
        """;

    /// <summary>A later line without <c>person</c> (or any other field) does not erase what an earlier one said.</summary>
    public const string MergeDuplicateAccounts = """
        UPDATE work_accounts w SET
            handle = coalesce(w.handle, m.handle), name = coalesce(w.name, m.name), bio = coalesce(w.bio, m.bio),
            location = coalesce(w.location, m.location), country = coalesce(w.country, m.country),
            country_confidence = CASE WHEN w.country IS NULL THEN m.country_confidence ELSE w.country_confidence END,
            followers = coalesce(w.followers, m.followers), following = coalesce(w.following, m.following),
            posts_count = coalesce(w.posts_count, m.posts_count), created_at = coalesce(w.created_at, m.created_at),
            url = coalesce(w.url, m.url), verified = coalesce(w.verified, m.verified),
            person = coalesce(w.person, m.person), npi = coalesce(w.npi, m.npi)
        FROM (
            SELECT platform, external_id,
                (array_agg(handle ORDER BY observed_at DESC, seq DESC) FILTER (WHERE handle IS NOT NULL))[1] AS handle,
                (array_agg(name ORDER BY observed_at DESC, seq DESC) FILTER (WHERE name IS NOT NULL))[1] AS name,
                (array_agg(bio ORDER BY observed_at DESC, seq DESC) FILTER (WHERE bio IS NOT NULL))[1] AS bio,
                (array_agg(location ORDER BY observed_at DESC, seq DESC) FILTER (WHERE location IS NOT NULL))[1] AS location,
                (array_agg(upper(country) ORDER BY observed_at DESC, seq DESC) FILTER (WHERE country IS NOT NULL))[1] AS country,
                (array_agg(country_confidence ORDER BY observed_at DESC, seq DESC) FILTER (WHERE country IS NOT NULL))[1] AS country_confidence,
                (array_agg(followers ORDER BY observed_at DESC, seq DESC) FILTER (WHERE followers IS NOT NULL))[1] AS followers,
                (array_agg(following ORDER BY observed_at DESC, seq DESC) FILTER (WHERE following IS NOT NULL))[1] AS following,
                (array_agg(posts_count ORDER BY observed_at DESC, seq DESC) FILTER (WHERE posts_count IS NOT NULL))[1] AS posts_count,
                (array_agg(created_at ORDER BY observed_at DESC, seq DESC) FILTER (WHERE created_at IS NOT NULL))[1] AS created_at,
                (array_agg(url ORDER BY observed_at DESC, seq DESC) FILTER (WHERE url IS NOT NULL))[1] AS url,
                (array_agg(verified ORDER BY observed_at DESC, seq DESC) FILTER (WHERE verified IS NOT NULL))[1] AS verified,
                (array_agg(person ORDER BY observed_at DESC, seq DESC) FILTER (WHERE person IS NOT NULL))[1] AS person,
                (array_agg(npi ORDER BY observed_at DESC, seq DESC) FILTER (WHERE npi IS NOT NULL))[1] AS npi
            FROM stage_accounts s
            JOIN (SELECT platform, external_id FROM stage_accounts GROUP BY platform, external_id HAVING count(*) > 1) k
              USING (platform, external_id)
            GROUP BY platform, external_id) m
        WHERE w.platform = m.platform AND w.external_id = m.external_id
        """;

    /// <summary>
    /// Authors, parents' authors and mentions not seen yet. The existence check is a probe per
    /// distinct reference (OFFSET 0 keeps it a sub-plan): as an anti-join the planner hashed all
    /// accounts for every batch, 300 ms against 750k accounts instead of 100 ms.
    /// </summary>
    public const string AddStubAccounts = """
        INSERT INTO work_accounts (platform, external_id, is_stub)
        SELECT r.platform, r.external_id, true FROM (
            SELECT DISTINCT platform, external_id FROM (
                SELECT platform, account_external_id AS external_id FROM stage_posts
                UNION ALL SELECT platform, reply_account FROM stage_posts WHERE reply_account IS NOT NULL
                UNION ALL SELECT platform, quote_account FROM stage_posts WHERE quote_account IS NOT NULL
                UNION ALL SELECT platform, repost_account FROM stage_posts WHERE repost_account IS NOT NULL
                UNION ALL SELECT platform, unnest(mentions) FROM stage_posts) u) r
        WHERE NOT EXISTS (SELECT 1 FROM work_accounts w WHERE w.platform = r.platform AND w.external_id = r.external_id)
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.platform = r.platform AND a.external_id = r.external_id OFFSET 0)
        """;

    public const string FindExistingAccounts = """
        UPDATE work_accounts w SET account_id = a.id, old_person_id = a.person_id
        FROM accounts a WHERE a.platform = w.platform AND a.external_id = w.external_id
        """;

    /// <summary>
    /// A person per import <c>person</c> key, and one per new account without a key, named by
    /// the account ("platform:id") so the id is the same whichever database imports it.
    /// </summary>
    public const string InsertKeyedAndNewPersons = """
        INSERT INTO persons (public_id, role_confirmed, created_at, updated_at)
        SELECT public_id, false, now(), now() FROM (
            SELECT DISTINCT coalesce(person, platform || ':' || external_id) AS public_id
            FROM work_accounts WHERE person IS NOT NULL OR account_id IS NULL) k
        -- In one order, so an import's lanes adding the same persons wait for each other instead of deadlocking.
        ORDER BY public_id
        ON CONFLICT (public_id) DO NOTHING
        """;

    /// <summary>
    /// The person of each line's account. An admin's merge and split win over the file: an account
    /// an admin moved (pinned) stays with its person, and a key of a person merged into another
    /// names the one it was merged into.
    /// </summary>
    public const string ResolvePersonIds = """
        UPDATE work_accounts w SET person_id = coalesce(p.merged_into, p.id)
        FROM persons p
        WHERE p.public_id = coalesce(w.person, CASE WHEN w.account_id IS NULL THEN w.platform || ':' || w.external_id END)
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = w.account_id AND a.person_pinned)
        """;

    private const string AccountColumns = """
        platform, external_id, person_id, handle, name, bio, location, country, country_confidence, followers, following,
        posts_count, created_on_platform_at, url, verified, npi, is_bot_like, is_stub, observed_at, first_seen_at, updated_at
        """;

    public const string InsertNewAccounts = $"""
        INSERT INTO accounts ({AccountColumns})
        SELECT platform, external_id, person_id, handle, name, bio, location, country,
            country_confidence, followers, following, posts_count, created_at, url, verified, npi,
            false, false, observed_at, now(), now()
        FROM work_accounts WHERE account_id IS NULL AND NOT is_stub
        ORDER BY platform, external_id
        ON CONFLICT (platform, external_id) DO NOTHING
        """;

    public const string InsertStubAccounts = $"""
        INSERT INTO accounts ({AccountColumns})
        SELECT platform, external_id, person_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            false, true, NULL, now(), now()
        FROM work_accounts WHERE account_id IS NULL AND is_stub
        ORDER BY platform, external_id
        ON CONFLICT (platform, external_id) DO NOTHING
        """;

    /// <summary>
    /// An existing account takes the line's values when the line's observation is at least as new
    /// and something differs; a field the line leaves out keeps its stored value.
    /// </summary>
    public const string UpdateExistingAccounts = """
        UPDATE accounts a SET
            person_id = coalesce(w.person_id, a.person_id),
            handle = coalesce(w.handle, a.handle), name = coalesce(w.name, a.name), bio = coalesce(w.bio, a.bio),
            location = coalesce(w.location, a.location), country = coalesce(w.country, a.country),
            country_confidence = CASE WHEN w.country IS NOT NULL THEN w.country_confidence ELSE a.country_confidence END,
            followers = coalesce(w.followers, a.followers), following = coalesce(w.following, a.following),
            posts_count = coalesce(w.posts_count, a.posts_count),
            created_on_platform_at = coalesce(w.created_at, a.created_on_platform_at),
            url = coalesce(w.url, a.url), verified = coalesce(w.verified, a.verified), npi = coalesce(w.npi, a.npi),
            is_stub = false, observed_at = w.observed_at, updated_at = now()
        FROM work_accounts w
        WHERE w.account_id = a.id AND NOT w.is_stub
          AND (a.is_stub OR a.observed_at IS NULL OR w.observed_at >= a.observed_at)
          AND (a.is_stub OR
               (coalesce(w.person_id, a.person_id), coalesce(w.handle, a.handle), coalesce(w.name, a.name),
                coalesce(w.bio, a.bio), coalesce(w.location, a.location), coalesce(w.country, a.country),
                coalesce(w.followers, a.followers), coalesce(w.following, a.following),
                coalesce(w.posts_count, a.posts_count), coalesce(w.created_at, a.created_on_platform_at),
                coalesce(w.url, a.url), coalesce(w.verified, a.verified), coalesce(w.npi, a.npi))
               IS DISTINCT FROM
               (a.person_id, a.handle, a.name, a.bio, a.location, a.country, a.followers, a.following,
                a.posts_count, a.created_on_platform_at, a.url, a.verified, a.npi))
        """;

    /// <summary>A person left without accounts after a relink (by a <c>person</c> key) is removed.</summary>
    public const string DeleteOrphanedPersons = """
        DELETE FROM persons p
        USING (SELECT DISTINCT old_person_id FROM work_accounts
               WHERE old_person_id IS NOT NULL AND person_id IS NOT NULL AND person_id <> old_person_id) o
        WHERE p.id = o.old_person_id AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)
        """;

    /// <summary>
    /// A person's name, country and NPI follow their most-followed account that has one (ties: the
    /// first by platform and id, so the result does not depend on the order accounts were stored in).
    /// </summary>
    private const string SummarisePersonsTemplate = """
        UPDATE persons p SET
            display_name = coalesce(s.name, p.display_name),
            country = coalesce(s.country, p.country),
            country_confidence = CASE WHEN s.country IS NOT NULL THEN s.country_confidence ELSE p.country_confidence END,
            npi = coalesce(s.npi, p.npi),
            updated_at = now()
        FROM (
            SELECT a.person_id,
                (array_agg(a.name ORDER BY a.followers DESC NULLS LAST, a.platform, a.external_id) FILTER (WHERE a.name IS NOT NULL))[1] AS name,
                (array_agg(a.country ORDER BY a.followers DESC NULLS LAST, a.platform, a.external_id) FILTER (WHERE a.country IS NOT NULL))[1] AS country,
                (array_agg(a.country_confidence ORDER BY a.followers DESC NULLS LAST, a.platform, a.external_id) FILTER (WHERE a.country IS NOT NULL))[1] AS country_confidence,
                (array_agg(a.npi ORDER BY a.followers DESC NULLS LAST, a.platform, a.external_id) FILTER (WHERE a.npi IS NOT NULL))[1] AS npi
            FROM accounts a
            WHERE a.person_id IN ({persons})
            GROUP BY a.person_id) s
        WHERE p.id = s.person_id
          AND (coalesce(s.name, p.display_name), coalesce(s.country, p.country), coalesce(s.npi, p.npi))
              IS DISTINCT FROM (p.display_name, p.country, p.npi)
        """;

    /// <summary>The persons of the batch's account lines (and those they left).</summary>
    public static readonly string SummarisePersons = SummarisePersonsTemplate.Replace(
        "{persons}", "SELECT coalesce(person_id, old_person_id) FROM work_accounts WHERE NOT is_stub", StringComparison.Ordinal);

    /// <summary>
    /// The persons of these accounts, again: after an import's lanes each summarised a person from
    /// the accounts it could see, one statement that sees them all (<see cref="Import.ImportLanes"/>).
    /// </summary>
    public static readonly string SummarisePersonsOfAccounts = SummarisePersonsTemplate.Replace(
        "{persons}", """
            SELECT a.person_id FROM accounts a
            JOIN unnest(@platforms::text[], @external_ids::text[]) k(platform, external_id) ON a.platform = k.platform AND a.external_id = k.external_id
            """, StringComparison.Ordinal);

    // ---- posts: one row per key (the newest observation, then the later line), beside what is stored ----

    private const string DedupePostsTemplate = """
        INSERT INTO work_posts (seq, platform, external_id, account_id, post_id)
        SELECT d.seq, d.platform, d.external_id, a.id, p.id
        FROM (SELECT DISTINCT ON (platform, external_id) seq, platform, external_id, account_external_id
              FROM stage_posts
              ORDER BY platform, external_id, observed_at DESC, seq DESC) d
        JOIN accounts a ON a.platform = d.platform AND a.external_id = d.account_external_id
        {lookup}
        """;

    /// <summary>
    /// The stored post is found by one index probe per line (a lateral sub-query with LIMIT 1). As a
    /// plain join the planner, misjudging how many staged lines match an account, scanned each
    /// author's posts by date and filtered — 3 s instead of 0.3 s per batch against 10M posts, and
    /// four times slower for an import lane's smaller batches.
    /// </summary>
    public static readonly string DedupePosts = DedupePostsTemplate.Replace("{lookup}", """
        LEFT JOIN LATERAL (
            SELECT p.id FROM posts p
            WHERE p.account_id = a.id AND p.external_id = d.external_id AND p.platform = d.platform
            LIMIT 1) p ON true
        """, StringComparison.Ordinal);

    /// <summary>
    /// The same on Citus, which refuses a lateral join from local tables into a distributed one and
    /// plans the plain join itself (the staged lines go to the shards as an intermediate result).
    /// </summary>
    public static readonly string DedupePostsOnCitus = DedupePostsTemplate.Replace("{lookup}",
        "LEFT JOIN posts p ON p.platform = d.platform AND p.external_id = d.external_id AND p.account_id = a.id", StringComparison.Ordinal);

    /// <summary>A field the winning line leaves out is taken from the newest line that has it (only keys seen twice).</summary>
    public const string MergeDuplicatePosts = """
        UPDATE stage_posts w SET
            text = coalesce(w.text, m.text), lang = coalesce(w.lang, m.lang),
            reply_post = coalesce(w.reply_post, m.reply_post), reply_account = coalesce(w.reply_account, m.reply_account),
            quote_post = coalesce(w.quote_post, m.quote_post), quote_account = coalesce(w.quote_account, m.quote_account),
            repost_post = coalesce(w.repost_post, m.repost_post), repost_account = coalesce(w.repost_account, m.repost_account),
            likes = coalesce(w.likes, m.likes), replies = coalesce(w.replies, m.replies),
            reposts = coalesce(w.reposts, m.reposts), quotes = coalesce(w.quotes, m.quotes),
            mentions = coalesce(w.mentions, CASE WHEN m.mentions IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text(m.mentions)) END),
            hashtags = coalesce(w.hashtags, CASE WHEN m.hashtags IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text(m.hashtags)) END),
            urls = coalesce(w.urls, CASE WHEN m.urls IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text(m.urls)) END)
        FROM (
            SELECT s.platform, s.external_id,
                -- arrays of arrays must have equal lengths, so lists travel as jsonb through the aggregate
                (array_agg(to_jsonb(mentions) ORDER BY observed_at DESC, seq DESC) FILTER (WHERE mentions IS NOT NULL))[1] AS mentions,
                (array_agg(to_jsonb(hashtags) ORDER BY observed_at DESC, seq DESC) FILTER (WHERE hashtags IS NOT NULL))[1] AS hashtags,
                (array_agg(to_jsonb(urls) ORDER BY observed_at DESC, seq DESC) FILTER (WHERE urls IS NOT NULL))[1] AS urls,
                (array_agg(text ORDER BY observed_at DESC, seq DESC) FILTER (WHERE text IS NOT NULL))[1] AS text,
                (array_agg(lang ORDER BY observed_at DESC, seq DESC) FILTER (WHERE lang IS NOT NULL))[1] AS lang,
                (array_agg(reply_post ORDER BY observed_at DESC, seq DESC) FILTER (WHERE reply_post IS NOT NULL))[1] AS reply_post,
                (array_agg(reply_account ORDER BY observed_at DESC, seq DESC) FILTER (WHERE reply_account IS NOT NULL))[1] AS reply_account,
                (array_agg(quote_post ORDER BY observed_at DESC, seq DESC) FILTER (WHERE quote_post IS NOT NULL))[1] AS quote_post,
                (array_agg(quote_account ORDER BY observed_at DESC, seq DESC) FILTER (WHERE quote_account IS NOT NULL))[1] AS quote_account,
                (array_agg(repost_post ORDER BY observed_at DESC, seq DESC) FILTER (WHERE repost_post IS NOT NULL))[1] AS repost_post,
                (array_agg(repost_account ORDER BY observed_at DESC, seq DESC) FILTER (WHERE repost_account IS NOT NULL))[1] AS repost_account,
                (array_agg(likes ORDER BY observed_at DESC, seq DESC) FILTER (WHERE likes IS NOT NULL))[1] AS likes,
                (array_agg(replies ORDER BY observed_at DESC, seq DESC) FILTER (WHERE replies IS NOT NULL))[1] AS replies,
                (array_agg(reposts ORDER BY observed_at DESC, seq DESC) FILTER (WHERE reposts IS NOT NULL))[1] AS reposts,
                (array_agg(quotes ORDER BY observed_at DESC, seq DESC) FILTER (WHERE quotes IS NOT NULL))[1] AS quotes
            FROM stage_posts s
            JOIN (SELECT platform, external_id FROM stage_posts GROUP BY platform, external_id HAVING count(*) > 1) k
              ON k.platform = s.platform AND k.external_id = s.external_id
            GROUP BY s.platform, s.external_id) m
        JOIN work_posts k ON k.platform = m.platform AND k.external_id = m.external_id
        WHERE w.seq = k.seq
        """;

    /// <summary>
    /// The interactions a set of posts implies: replies, quotes, reposts and mentions of someone else
    /// (a thread to oneself is not engagement). <c>{source}</c> has the columns of a posts row.
    /// </summary>
    private const string InteractionsFrom = """
        SELECT x.account_id, x.id, r.kind, t.id, x.created_at
        FROM {source} x
        CROSS JOIN LATERAL (VALUES ('reply', x.reply_to_account_external_id), ('quote', x.quote_of_account_external_id),
                                   ('repost', x.repost_of_account_external_id)) r(kind, external_id)
        JOIN accounts t ON t.platform = x.platform AND t.external_id = r.external_id
        WHERE t.id <> x.account_id
        UNION ALL
        SELECT x.account_id, x.id, 'mention', t.id, x.created_at
        FROM {source} x
        CROSS JOIN LATERAL unnest(x.mention_external_ids) m(external_id)
        JOIN accounts t ON t.platform = x.platform AND t.external_id = m.external_id
        WHERE t.id <> x.account_id
        """;

    /// <summary>
    /// New posts and their interactions in one statement. No ON CONFLICT: the writer lock and the
    /// lookup in <see cref="DedupePosts"/> already say these posts are new. Returns (posts, interactions).
    /// </summary>
    public static readonly string InsertNewPosts = """
        WITH inserted AS (
            INSERT INTO posts (account_id, platform, external_id, created_at, text, lang,
                reply_to_post_external_id, reply_to_account_external_id, quote_of_post_external_id, quote_of_account_external_id,
                repost_of_post_external_id, repost_of_account_external_id, mention_external_ids, hashtags, urls,
                likes, replies, reposts, quotes, observed_at, source_id, first_seen_at, updated_at)
            SELECT w.account_id, s.platform, s.external_id, s.created_at, s.text, s.lang, s.reply_post, s.reply_account, s.quote_post,
                s.quote_account, s.repost_post, s.repost_account,
                coalesce(s.mentions, '{}'), coalesce(s.hashtags, '{}'), coalesce(s.urls, '{}'),
                coalesce(s.likes, 0), coalesce(s.replies, 0), coalesce(s.reposts, 0), coalesce(s.quotes, 0), s.observed_at, @source, now(), now()
            FROM work_posts w JOIN stage_posts s ON s.seq = w.seq
            WHERE w.post_id IS NULL
            RETURNING account_id, id, platform, created_at, reply_to_account_external_id, quote_of_account_external_id,
                repost_of_account_external_id, mention_external_ids),
        derived AS (
            INSERT INTO interactions (source_account_id, post_id, kind, target_account_id, occurred_at)
        """ + InteractionsFrom.Replace("{source}", "inserted", StringComparison.Ordinal) + """

            ON CONFLICT DO NOTHING
            RETURNING 1)
        SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM derived)
        """;

    /// <summary>
    /// An existing post takes the line's values when the observation is at least as new and something
    /// differs; the changed posts are noted so their interactions can be derived again.
    /// </summary>
    public const string UpdateExistingPosts = """
        WITH updated AS (
            UPDATE posts p SET
                created_at = s.created_at, text = coalesce(s.text, p.text), lang = coalesce(s.lang, p.lang),
                reply_to_post_external_id = coalesce(s.reply_post, p.reply_to_post_external_id),
                reply_to_account_external_id = coalesce(s.reply_account, p.reply_to_account_external_id),
                quote_of_post_external_id = coalesce(s.quote_post, p.quote_of_post_external_id),
                quote_of_account_external_id = coalesce(s.quote_account, p.quote_of_account_external_id),
                repost_of_post_external_id = coalesce(s.repost_post, p.repost_of_post_external_id),
                repost_of_account_external_id = coalesce(s.repost_account, p.repost_of_account_external_id),
                mention_external_ids = coalesce(s.mentions, p.mention_external_ids), hashtags = coalesce(s.hashtags, p.hashtags),
                urls = coalesce(s.urls, p.urls),
                likes = coalesce(s.likes, p.likes), replies = coalesce(s.replies, p.replies),
                reposts = coalesce(s.reposts, p.reposts), quotes = coalesce(s.quotes, p.quotes),
                observed_at = s.observed_at, updated_at = now()
            FROM work_posts w JOIN stage_posts s ON s.seq = w.seq
            WHERE w.post_id IS NOT NULL AND p.account_id = w.account_id AND p.id = w.post_id
              AND (p.observed_at IS NULL OR s.observed_at >= p.observed_at)
              AND (s.created_at, coalesce(s.text, p.text), coalesce(s.lang, p.lang),
                   coalesce(s.reply_post, p.reply_to_post_external_id), coalesce(s.reply_account, p.reply_to_account_external_id),
                   coalesce(s.quote_post, p.quote_of_post_external_id), coalesce(s.quote_account, p.quote_of_account_external_id),
                   coalesce(s.repost_post, p.repost_of_post_external_id), coalesce(s.repost_account, p.repost_of_account_external_id),
                   coalesce(s.mentions, p.mention_external_ids), coalesce(s.hashtags, p.hashtags), coalesce(s.urls, p.urls),
                   coalesce(s.likes, p.likes), coalesce(s.replies, p.replies),
                   coalesce(s.reposts, p.reposts), coalesce(s.quotes, p.quotes))
                  IS DISTINCT FROM
                  (p.created_at, p.text, p.lang, p.reply_to_post_external_id, p.reply_to_account_external_id,
                   p.quote_of_post_external_id, p.quote_of_account_external_id, p.repost_of_post_external_id,
                   p.repost_of_account_external_id, p.mention_external_ids, p.hashtags, p.urls,
                   p.likes, p.replies, p.reposts, p.quotes)
            RETURNING p.account_id, p.id)
        INSERT INTO changed_posts (account_id, post_id) SELECT account_id, id FROM updated
        """;

    public const string ClearChangedInteractions = """
        DELETE FROM interactions i USING changed_posts c
        WHERE i.source_account_id = c.account_id AND i.post_id = c.post_id
        """;

    public static readonly string InsertChangedInteractions =
        "INSERT INTO interactions (source_account_id, post_id, kind, target_account_id, occurred_at)\n" +
        InteractionsFrom.Replace("{source}", "(SELECT p.* FROM changed_posts c JOIN posts p ON p.account_id = c.account_id AND p.id = c.post_id)", StringComparison.Ordinal) +
        "\nON CONFLICT DO NOTHING";

    // ---- CRM relationships: one per target and kind; resolved to a person when it can be ----

    public const string DedupeRelationships = """
        INSERT INTO work_relationships (platform, account_external_id, person, npi, kind, since)
        SELECT DISTINCT ON (platform, account_external_id, person, npi, kind) platform, account_external_id, person, npi, kind, since
        FROM stage_relationships
        ORDER BY platform, account_external_id, person, npi, kind, seq DESC
        """;

    public const string FindExistingRelationships = """
        UPDATE work_relationships w SET relationship_id = r.id
        FROM crm_relationships r
        WHERE r.kind = w.kind AND r.platform IS NOT DISTINCT FROM w.platform
          AND r.account_external_id IS NOT DISTINCT FROM w.account_external_id
          AND r.person_key IS NOT DISTINCT FROM w.person AND r.npi IS NOT DISTINCT FROM w.npi
        """;

    public const string InsertNewRelationships = """
        INSERT INTO crm_relationships (platform, account_external_id, person_key, npi, kind, since, origin, created_at, updated_at)
        SELECT platform, account_external_id, person, npi, kind, since, 'import', now(), now()
        FROM work_relationships WHERE relationship_id IS NULL
        """;

    public const string UpdateExistingRelationships = """
        UPDATE crm_relationships r SET since = w.since, updated_at = now()
        FROM work_relationships w
        WHERE w.relationship_id = r.id AND r.since IS DISTINCT FROM w.since
        """;

    public const string ResolveRelationshipPersons = """
        UPDATE crm_relationships r SET person_id = x.person_id, updated_at = now()
        FROM (
            SELECT r2.id, coalesce(
                (SELECT a.person_id FROM accounts a WHERE a.platform = r2.platform AND a.external_id = r2.account_external_id AND NOT a.is_stub),
                (SELECT p.id FROM persons p WHERE p.public_id = r2.person_key),
                (SELECT p.id FROM persons p WHERE p.npi = r2.npi ORDER BY p.id LIMIT 1),
                (SELECT a.person_id FROM accounts a WHERE a.npi = r2.npi ORDER BY a.id LIMIT 1)) AS person_id
            FROM crm_relationships r2 WHERE r2.person_id IS NULL) x
        WHERE r.id = x.id AND x.person_id IS NOT NULL
        """;

    public const string CountWork = """
        SELECT
            (SELECT count(*) FROM work_accounts WHERE NOT is_stub),
            (SELECT count(*) FROM work_posts),
            (SELECT count(*) FROM work_accounts WHERE NOT is_stub AND account_id IS NOT NULL),
            (SELECT count(*) FROM work_posts WHERE post_id IS NOT NULL),
            (SELECT count(*) FROM work_relationships),
            (SELECT count(*) FROM work_relationships WHERE relationship_id IS NOT NULL)
        """;
}
