using DolMapper.Scoring;
using DolMapper.Scoring.Hcp;
using DolMapper.Web.Data;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Scoring;

/// <summary>
/// Loads a run's <see cref="ScoringInputs"/> with set-based SQL (aggregation per account happens in
/// PostgreSQL; the interactions stream out with binary COPY).
/// </summary>
internal static class ScoringInputLoader
{
    /// <summary>
    /// Session settings for a run's connections: grouping hundreds of thousands of accounts spills
    /// to disk at the default work_mem (PostgreSQL's memory, not this process's).
    /// </summary>
    public static async Task PrepareSessionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SET work_mem = '256MB'", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The newest post's time: the end of every window (null when there are no posts).</summary>
    public static async Task<DateTime?> SnapshotAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT max(created_at) FROM posts WHERE deleted_at IS NULL", connection) { CommandTimeout = 0 };
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null;
    }

    /// <summary>
    /// Flags bot-like accounts over the window (docs/scoring.md): at least 30 posts and ten times
    /// the median account's count, under 0.05 engagements received per post, and over 60% of their
    /// latest 50 texts repeating another once links, hashtags, mentions, digits and spaces are set
    /// aside (bots vary the link, not the words). Returns the flagged accounts' ids.
    /// </summary>
    /// <remarks>
    /// Runs once the window's per-account counts and the interactions are in memory: the counts and
    /// the engagement received come from there (a pass of its own over the window's posts cost
    /// 0.85 s of a 6 s run at the small scale), and only the quiet heavy posters' latest texts are
    /// compared, in PostgreSQL. Sets <see cref="ScoringInputs.AccountBot"/> and stores the flags on
    /// the accounts.
    /// </remarks>
    public static async Task<int> FlagBotsAsync(NpgsqlConnection connection, ScoringInputs inputs, CancellationToken cancellationToken)
    {
        var bots = new List<long>();
        if (inputs.Posts.Count > 0)
        {
            // The median account's count, interpolated as PostgreSQL's percentile_cont(0.5) does.
            var counts = inputs.Posts.Select(a => a.Posts).Order().ToArray();
            var middle = (counts.Length - 1) / 2.0;
            var (below, above) = ((int)Math.Floor(middle), (int)Math.Ceiling(middle));
            var median = counts[below] + (counts[above] - counts[below]) * (middle - below);
            var minPosts = Math.Max(30, 10 * median);
            var received = new int[inputs.AccountPerson.Length];
            for (var i = 0; i < inputs.InteractionCount; i++)
            {
                received[inputs.InteractionTarget[i]]++;
            }
            int Received(long accountId) => inputs.AccountIndex.TryGetValue(accountId, out var index) ? received[index] : 0;
            var quiet = inputs.Posts
                .Where(a => a.Posts >= minPosts && Received(a.AccountId) / (double)a.Posts < 0.05)
                .Select(a => a.AccountId).ToArray();
            if (quiet.Length > 0)
            {
                // Their latest 50 texts each, compared here (a compiled expression is several times
                // cheaper than PostgreSQL's regexp_replace on every text).
                await using var command = new NpgsqlCommand("""
                    SELECT account_id, text FROM (
                        SELECT p.account_id, p.text, row_number() OVER (PARTITION BY p.account_id ORDER BY p.created_at DESC) AS n
                        FROM posts p
                        WHERE p.account_id = ANY(@quiet) AND p.created_at > @from AND p.created_at <= @to AND p.deleted_at IS NULL) latest
                    WHERE n <= 50
                    ORDER BY account_id
                    """, connection) { CommandTimeout = 0 };
                command.Parameters.AddWithValue("quiet", quiet);
                command.Parameters.AddWithValue("from", inputs.From);
                command.Parameters.AddWithValue("to", inputs.Snapshot);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                long current = -1;
                var texts = new HashSet<string>(StringComparer.Ordinal);
                var count = 0;
                void Judge()
                {
                    if (count > 0 && SignalFormulas.RepeatedShare(texts.Count, count) > 0.6)
                    {
                        bots.Add(current);
                    }
                }
                while (await reader.ReadAsync(cancellationToken))
                {
                    var account = reader.GetInt64(0);
                    if (account != current)
                    {
                        Judge();
                        (current, count) = (account, 0);
                        texts.Clear();
                    }
                    texts.Add(SignalFormulas.BotTextKey(reader.IsDBNull(1) ? null : reader.GetString(1)));
                    count++;
                }
                Judge();
            }
        }
        var ids = bots.ToArray();
        await using (var update = new NpgsqlCommand("""
            UPDATE accounts SET is_bot_like = false WHERE is_bot_like AND NOT id = ANY(@bots);
            UPDATE accounts SET is_bot_like = true WHERE NOT is_bot_like AND id = ANY(@bots);
            """, connection) { CommandTimeout = 0 })
        {
            update.Parameters.AddWithValue("bots", ids);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        Array.Clear(inputs.AccountBot);
        foreach (var id in ids)
        {
            if (inputs.AccountIndex.TryGetValue(id, out var a))
            {
                inputs.AccountBot[a] = true;
            }
        }
        return ids.Length;
    }

    public static async Task LoadPersonsAndAccountsAsync(NpgsqlConnection connection, ScoringInputs inputs, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        var publicIds = new List<string>();
        var names = new List<string?>();
        var professions = new List<string?>();
        var specialties = new List<string?>();
        var confidence = new List<double>();
        var countries = new List<string?>();
        var countryConfidence = new List<double>();
        var npis = new List<string?>();
        var uninformative = new List<bool>();
        await using (var command = new NpgsqlCommand("""
            SELECT id, public_id, display_name, profession, specialty, coalesce(hcp_confidence, 0), country, coalesce(country_confidence, 0), npi,
                   NOT role_confirmed AND coalesce((classification_evidence ->> 'uninformative')::boolean, false)
            FROM persons ORDER BY id
            """, connection) { CommandTimeout = 0 })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
                publicIds.Add(reader.GetString(1));
                names.Add(reader.IsDBNull(2) ? null : reader.GetString(2));
                professions.Add(reader.IsDBNull(3) ? null : reader.GetString(3));
                specialties.Add(reader.IsDBNull(4) ? null : reader.GetString(4));
                confidence.Add(reader.GetDouble(5));
                countries.Add(reader.IsDBNull(6) ? null : reader.GetString(6));
                countryConfidence.Add(reader.GetDouble(7));
                npis.Add(reader.IsDBNull(8) ? null : reader.GetString(8));
                uninformative.Add(reader.GetBoolean(9));
            }
        }
        inputs.PersonIds = [.. ids];
        inputs.PersonPublicIds = [.. publicIds];
        inputs.PersonNames = [.. names];
        inputs.Profession = [.. professions];
        inputs.Specialty = [.. specialties];
        inputs.HcpConfidence = [.. confidence];
        inputs.Country = [.. countries];
        inputs.CountryConfidence = [.. countryConfidence];
        inputs.Npi = [.. npis];
        inputs.Uninformative = [.. uninformative];
        inputs.OptedOut = new bool[ids.Count];
        inputs.PersonIndex = new Dictionary<long, int>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            inputs.PersonIndex[ids[i]] = i;
        }

        await using (var command = new NpgsqlCommand(Data.OptOutSql.OptedOutPersons, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (inputs.PersonIndex.TryGetValue(reader.GetInt64(0), out var p))
                {
                    inputs.OptedOut[p] = true;
                }
            }
        }

        var accountPerson = new List<int>();
        var platform = new List<byte>();
        var followers = new List<long>();
        var completeness = new List<double>();
        var created = new List<DateTime?>();
        var bot = new List<bool>();
        var handles = new List<string?>();
        await using (var command = new NpgsqlCommand("""
            SELECT id, person_id, platform, coalesce(followers, 0),
                   ((coalesce(name, '') <> '')::int + (coalesce(bio, '') <> '')::int + (coalesce(location, '') <> '')::int + (coalesce(url, '') <> '')::int) / 4.0,
                   created_on_platform_at, is_bot_like, CASE WHEN NOT is_stub THEN nullif(handle, '') END
            FROM accounts
            """, connection) { CommandTimeout = 0 })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                inputs.AccountIndex[reader.GetInt64(0)] = accountPerson.Count;
                accountPerson.Add(inputs.PersonIndex.TryGetValue(reader.GetInt64(1), out var p) ? p : -1);
                platform.Add((byte)Math.Max(0, Array.IndexOf(ScoringInputs.PlatformNames, reader.GetString(2))));
                followers.Add(reader.GetInt64(3));
                completeness.Add((double)reader.GetDecimal(4));
                created.Add(reader.IsDBNull(5) ? null : DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc));
                bot.Add(reader.GetBoolean(6));
                handles.Add(reader.IsDBNull(7) ? null : reader.GetString(7));
            }
        }
        inputs.AccountPerson = [.. accountPerson];
        inputs.AccountPlatform = [.. platform];
        inputs.AccountFollowers = [.. followers];
        inputs.AccountCompleteness = [.. completeness];
        inputs.AccountCreated = [.. created];
        inputs.AccountBot = [.. bot];
        inputs.AccountHandle = [.. handles];
    }

    /// <summary>
    /// What the rankings' name search matches for each person of <paramref name="population"/>
    /// (person indexes): display name and handles, lower case, as of the run (stored with the run's
    /// scores, trigram-indexed per run). Built for the population only, one string each.
    /// </summary>
    public static string?[] SearchTexts(ScoringInputs inputs, int[] population)
    {
        var slot = new Dictionary<int, int>(population.Length);
        var parts = new List<string>?[population.Length];
        for (var i = 0; i < population.Length; i++)
        {
            slot[population[i]] = i;
        }
        for (var a = 0; a < inputs.AccountPerson.Length; a++)
        {
            if (inputs.AccountHandle[a] is { } handle && slot.TryGetValue(inputs.AccountPerson[a], out var i))
            {
                (parts[i] ??= []).Add(handle);
            }
        }
        var texts = new string?[population.Length];
        for (var i = 0; i < population.Length; i++)
        {
            var name = inputs.PersonNames[population[i]];
            var text = parts[i] is { } handles ? (name is null ? string.Join(' ', handles) : name + " " + string.Join(' ', handles)) : name;
            texts[i] = text?.ToLowerInvariant();
        }
        return texts;
    }

    /// <summary>
    /// Every hashtag's counts over the window (non-bot posts: run after <see cref="FlagBotsAsync"/>),
    /// for the topic expansion and the congress list. The window's post counts come from the
    /// per-account aggregation.
    /// </summary>
    public static async Task<List<TagCount>> TagCountsAsync(
        NpgsqlConnection connection, DateTime from, DateTime to, string[] profileTags, CancellationToken cancellationToken)
    {
        var counts = new List<TagCount>();
        await using var command = new NpgsqlCommand("""
            SELECT t, count(*), count(*) FILTER (WHERE p.hashtags && @tags)
            FROM posts p CROSS JOIN LATERAL unnest(p.hashtags) AS t
            WHERE p.created_at > @from AND p.created_at <= @to AND p.deleted_at IS NULL
              AND p.account_id NOT IN (SELECT id FROM accounts WHERE is_bot_like)
            GROUP BY t
            """, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.AddWithValue("tags", profileTags);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new TagCount(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return counts;
    }

    /// <summary>Per-account aggregates of the window's posts: counts, replies, active weeks, posts with a profile hashtag, community tags, reach.</summary>
    public static async Task LoadPostAggregatesAsync(NpgsqlConnection connection, ScoringInputs inputs, string[] profileTags, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT p.account_id,
                   count(*),
                   count(*) FILTER (WHERE p.reply_to_post_external_id IS NOT NULL),
                   bit_or(CASE WHEN w < 63 THEN 1::bigint << w ELSE 0 END),
                   bit_or(CASE WHEN w >= 63 AND w < 126 THEN 1::bigint << (w - 63) ELSE 0 END),
                   max(p.created_at),
                   count(*) FILTER (WHERE p.hashtags && @profile),
                   count(*) FILTER (WHERE p.hashtags && @community),
                   sum(p.likes), sum(p.reposts), sum(p.quotes),
                   count(*) FILTER (WHERE p.repost_of_post_external_id IS NOT NULL)
            FROM (SELECT *, floor(extract(epoch FROM created_at - @from) / 604800)::int AS w
                  FROM posts
                  WHERE created_at > @from AND created_at <= @to AND deleted_at IS NULL) p
            GROUP BY p.account_id
            """, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("from", inputs.From);
        command.Parameters.AddWithValue("to", inputs.Snapshot);
        command.Parameters.AddWithValue("profile", profileTags);
        command.Parameters.AddWithValue("community", ScoringVocabulary.CommunityHashtags.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inputs.Posts.Add(new AccountPosts(reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc), (int)reader.GetInt64(6), (int)reader.GetInt64(7),
                reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), (int)reader.GetInt64(11)));
        }
    }

    /// <summary>
    /// The topic's reading of the window and its congress hashtags, in one scan (docs/scoring.md,
    /// "Topic scope"): every relevant post — a topic hashtag (the profile's and the expansion's) or a
    /// keyword as whole words — aggregated per account (relevance, and the in-topic activity,
    /// reach, science and community); every account's congress hashtags (question 8; the behaviour
    /// model reads them for persons outside the population too); and, when
    /// <paramref name="withGraph"/>, the posts that reply to, quote or repost a relevant post, so
    /// that each interaction can be flagged as the topic's (its own post is relevant or engages a
    /// relevant post). Without the graph (a profile read over everything) only relevance needs the
    /// topic: one aggregate gives each account's relevant posts and congress tags, and only the
    /// accounts in <paramref name="keywordAccounts"/> (those of persons who can be scored) have
    /// their texts searched for keywords: relevance is a signal of the population alone. Needs the
    /// topic, so it runs after the expansion; the interactions' post ids are released once flagged.
    /// </summary>
    public static async Task LoadTopicAsync(NpgsqlConnection connection, ScoringInputs inputs, IReadOnlyList<string> keywords, bool withGraph,
        long[] keywordAccounts, string[] congressTags, CancellationToken cancellationToken, TopicPostReader? readTopicPosts = null)
    {
        var keywordPattern = ScoringVocabulary.KeywordPattern(keywords);
        var keywordLikes = keywords.Select(k => k.Trim().ToLowerInvariant()).Where(k => k.Length > 0)
            .Select(k => "%" + string.Join("%", k.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Data.Like.Escape)) + "%").ToArray();
        // A cheap LIKE filter first; the exact word-boundary expression then runs on few posts.
        const string keywordMatch = "(@keywords::text IS NOT NULL AND (@graph OR p.account_id = ANY(@accounts)) AND lower(p.text) LIKE ANY (@keywordLikes) AND p.text ~* @keywords::text)";
        // One scan of the window into a temporary table: the relevant posts and those with a
        // congress hashtag, aggregated per account from there and, with the topic's graph, joined
        // to the posts that engage a relevant post. (Aggregating the scan as a subquery instead
        // measured slower: 3.5 s against 1.7 s at the small scale.)
        var scanSql = $"""
            SELECT p.id, p.account_id, p.platform, p.external_id,
                   floor(extract(epoch FROM p.created_at - @from) / 604800)::int AS w,
                   p.reply_to_post_external_id IS NOT NULL AS reply, p.repost_of_post_external_id IS NOT NULL AS share, p.hashtags && @community AS community,
                   CASE WHEN cardinality(p.urls) > 0 THEN array_to_string(p.urls, ' ') END AS urls, p.likes, p.reposts, p.quotes,
                   (p.hashtags && @topic OR {keywordMatch}) AS relevant,
                   CASE WHEN p.hashtags && @congresses THEN p.hashtags END AS congress_tags
            FROM posts p
            WHERE p.created_at > @from AND p.created_at <= @to AND p.deleted_at IS NULL
              AND (p.hashtags && @topic OR p.hashtags && @congresses OR {keywordMatch})
            """;
        void Bind(NpgsqlCommand command)
        {
            command.Parameters.AddWithValue("from", inputs.From);
            command.Parameters.AddWithValue("to", inputs.Snapshot);
            command.Parameters.AddWithValue("topic", inputs.TopicTags);
            command.Parameters.AddWithValue("community", ScoringVocabulary.CommunityHashtags.ToArray());
            command.Parameters.AddWithValue("congresses", congressTags);
            command.Parameters.AddWithValue("accounts", keywordAccounts);
            command.Parameters.AddWithValue("graph", withGraph);
            command.Parameters.Add(new NpgsqlParameter("keywords", NpgsqlDbType.Text) { Value = (object?)keywordPattern ?? DBNull.Value });
            command.Parameters.AddWithValue("keywordLikes", keywordLikes);
        }
        var congresses = new HashSet<string>(congressTags, StringComparer.Ordinal);
        var congressesByAccount = new Dictionary<long, SortedSet<string>>();
        void AddCongresses(long account, string? tags)
        {
            var used = tags?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(congresses.Contains).ToArray();
            if (used is { Length: > 0 })
            {
                congressesByAccount[account] = new SortedSet<string>(used, StringComparer.Ordinal);
            }
        }
        bool IsBot(long account) => inputs.AccountIndex.TryGetValue(account, out var a) && inputs.AccountBot[a];
        if (!withGraph)
        {
            // Read over everything, the topic gives relevance only: per account its relevant posts
            // (and the reposts among them) and its congress tags, in one aggregate over the scan,
            // with no temporary table and none of the in-topic readings a topic-scoped run needs.
            // (Measured on the small world: as fast as the scan restricted to the persons who can be
            // scored, and twice as fast as a fenced subquery that matches each post once.)
            await using var lean = new NpgsqlCommand($"""
                SELECT account_id, count(*) FILTER (WHERE relevant), count(*) FILTER (WHERE relevant AND share),
                       string_agg(array_to_string(congress_tags, ' '), ' ') FILTER (WHERE congress_tags IS NOT NULL)
                FROM ({scanSql}) s GROUP BY account_id
                """, connection) { CommandTimeout = 0 };
            Bind(lean);
            await using (var reader = await lean.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var account = reader.GetInt64(0);
                    AddCongresses(account, reader.IsDBNull(3) ? null : reader.GetString(3));
                    var posts = (int)reader.GetInt64(1);
                    if (posts > 0 && !IsBot(account))
                    {
                        inputs.TopicByAccount[account] = new TopicPosts { Posts = posts, Shares = (int)reader.GetInt64(2) };
                    }
                }
            }
            Finish();
            return;
        }
        await using (var scan = new NpgsqlCommand($"DROP TABLE IF EXISTS topic_scan; CREATE TEMP TABLE topic_scan AS {scanSql}; ANALYZE topic_scan;", connection) { CommandTimeout = 0 })
        {
            Bind(scan);
            await scan.ExecuteNonQueryAsync(cancellationToken);
        }
        // Per account, aggregated in PostgreSQL: the in-topic counts, weeks, reach, scholarly links (checked here) and congress tags.
        await using (var aggregate = new NpgsqlCommand("""
            SELECT account_id,
                   count(*) FILTER (WHERE relevant) AS posts,
                   count(*) FILTER (WHERE relevant AND reply) AS replies,
                   count(*) FILTER (WHERE relevant AND share) AS shares,
                   coalesce(bit_or(CASE WHEN w < 63 THEN 1::bigint << w ELSE 0 END) FILTER (WHERE relevant), 0) AS weeks_low,
                   coalesce(bit_or(CASE WHEN w >= 63 AND w < 126 THEN 1::bigint << (w - 63) ELSE 0 END) FILTER (WHERE relevant), 0) AS weeks_high,
                   count(*) FILTER (WHERE relevant AND community) AS community,
                   coalesce(sum(likes) FILTER (WHERE relevant), 0) AS likes,
                   coalesce(sum(reposts) FILTER (WHERE relevant), 0) AS reposts,
                   coalesce(sum(quotes) FILTER (WHERE relevant), 0) AS quotes,
                   array_agg(urls) FILTER (WHERE relevant AND urls IS NOT NULL) AS urls,
                   string_agg(array_to_string(congress_tags, ' '), ' ') FILTER (WHERE congress_tags IS NOT NULL) AS congress_tags
            FROM topic_scan GROUP BY account_id
            """, connection) { CommandTimeout = 0 })
        {
            await using var reader = await aggregate.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var account = reader.Get<long>("account_id");
                AddCongresses(account, reader.Get<string>("congress_tags"));
                var posts = (int)reader.Get<long>("posts");
                if (posts == 0 || IsBot(account))
                {
                    continue;
                }
                inputs.TopicByAccount[account] = new TopicPosts
                {
                    Posts = posts,
                    Replies = (int)reader.Get<long>("replies"),
                    Shares = (int)reader.Get<long>("shares"),
                    WeeksLow = reader.Get<long>("weeks_low"),
                    WeeksHigh = reader.Get<long>("weeks_high"),
                    CommunityPosts = (int)reader.Get<long>("community"),
                    Likes = reader.Get<long>("likes"),
                    Reposts = reader.Get<long>("reposts"),
                    Quotes = reader.Get<long>("quotes"),
                    Scholarly = (reader.Get<string[]>("urls") ?? []).Count(urls => urls.Split(' ').Any(ScoringVocabulary.IsScholarlyUrl)),
                };
            }
        }
        var topicPosts = new HashSet<long>();
        {
            // The topic's posts: the relevant ones and those that reply to, quote or repost one
            // (in a block of its own: the export must end before the next command). Each reference
            // is looked up in a hashed set of the relevant posts: measured on the small world,
            // 0.45 s against 1.0–1.4 s for joining the three references as rows.
            var (from, to) = WindowLiterals(inputs);
            await using var export = await connection.BeginBinaryExportAsync($"""
                COPY (SELECT id FROM topic_scan WHERE relevant
                      UNION ALL
                      SELECT p.id FROM posts p
                      WHERE p.created_at > '{from}+00' AND p.created_at <= '{to}+00' AND p.deleted_at IS NULL
                        AND ((p.reply_to_post_external_id IS NOT NULL AND (p.platform, p.reply_to_post_external_id) IN (SELECT platform, external_id FROM topic_scan WHERE relevant))
                          OR (p.quote_of_post_external_id IS NOT NULL AND (p.platform, p.quote_of_post_external_id) IN (SELECT platform, external_id FROM topic_scan WHERE relevant))
                          OR (p.repost_of_post_external_id IS NOT NULL AND (p.platform, p.repost_of_post_external_id) IN (SELECT platform, external_id FROM topic_scan WHERE relevant))))
                TO STDOUT (FORMAT BINARY)
                """, cancellationToken);
            while (export.StartRow() != -1)
            {
                topicPosts.Add(export.Read<long>(NpgsqlDbType.Bigint));
            }
        }
        if (readTopicPosts is not null)
        {
            // The topic's own posts (relevant, not reposts) for its trends (docs/insights.md), while the scan is at hand.
            await using var export = await connection.BeginBinaryExportAsync("""
                COPY (SELECT s.id, s.account_id, p.created_at, p.text, p.hashtags, p.urls, s.likes::bigint + s.reposts + s.quotes
                      FROM topic_scan s JOIN posts p ON p.id = s.id WHERE s.relevant AND NOT s.share)
                TO STDOUT (FORMAT BINARY)
                """, cancellationToken);
            while (export.StartRow() != -1)
            {
                var id = export.Read<long>(NpgsqlDbType.Bigint);
                var account = export.Read<long>(NpgsqlDbType.Bigint);
                var createdAt = export.Read<DateTime>(NpgsqlDbType.TimestampTz);
                var text = export.IsNull ? SkipNull<string>(export) : export.Read<string>(NpgsqlDbType.Text);
                var hashtags = export.IsNull ? SkipNull<string[]>(export) : export.Read<string[]>(NpgsqlDbType.Array | NpgsqlDbType.Text);
                var urls = export.IsNull ? SkipNull<string[]>(export) : export.Read<string[]>(NpgsqlDbType.Array | NpgsqlDbType.Text);
                var engagement = export.IsNull ? SkipNull<long>(export) : export.Read<long>(NpgsqlDbType.Bigint);
                readTopicPosts(id, account, createdAt, text, hashtags, urls, engagement);
            }
        }
        await using (var drop = new NpgsqlCommand("DROP TABLE IF EXISTS topic_scan", connection))
        {
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        var inTopic = new bool[inputs.InteractionCount];
        for (var i = 0; i < inTopic.Length; i++)
        {
            inTopic[i] = topicPosts.Contains(inputs.InteractionPost[i]);
        }
        inputs.InteractionInTopic = inTopic;
        Finish();

        void Finish()
        {
            foreach (var (account, used) in congressesByAccount)
            {
                inputs.CongressTagsByAccount[account] = [.. used];
            }
            foreach (var (account, aggregate) in inputs.TopicByAccount)
            {
                inputs.RelevantByAccount[account] = aggregate.Posts;
            }
            inputs.InteractionPost = [];
        }
    }

    /// <summary>Counts, per person, the matched publications whose titles name the topic (science read in the topic).</summary>
    public static void CountTopicPublications(ScoringInputs inputs, IReadOnlyList<string> keywords)
    {
        var keywordList = keywords.ToList();
        foreach (var (p, titles) in inputs.PublicationTitles)
        {
            var count = titles.Count(t => PublicationMatching.TitleNamesTopic(t, inputs.TopicTags, keywordList));
            if (count > 0)
            {
                inputs.TopicPublications[p] = count;
            }
        }
    }

    private static T? SkipNull<T>(NpgsqlBinaryExporter export)
    {
        export.Skip();
        return default;
    }

    /// <summary>
    /// Posts with a scholarly link per account. The links stream out with binary COPY and their
    /// hosts are checked in memory: a regular expression over fifty hosts cost PostgreSQL more than
    /// the rest of the aggregation together.
    /// </summary>
    public static async Task LoadScholarlyAsync(NpgsqlConnection connection, ScoringInputs inputs, CancellationToken cancellationToken)
    {
        var (from, to) = WindowLiterals(inputs);
        await using var export = await connection.BeginBinaryExportAsync($"""
            COPY (SELECT account_id, urls FROM posts
                  WHERE created_at > '{from}+00' AND created_at <= '{to}+00' AND deleted_at IS NULL AND cardinality(urls) > 0) TO STDOUT (FORMAT BINARY)
            """, cancellationToken);
        // Synchronous reads inside the stream: an await per field costs more than the field.
        while (export.StartRow() != -1)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var account = export.Read<long>(NpgsqlDbType.Bigint);
            var urls = export.Read<string[]>(NpgsqlDbType.Array | NpgsqlDbType.Text);
            if (urls.Any(ScoringVocabulary.IsScholarlyUrl))
            {
                inputs.ScholarlyByAccount[account] = inputs.ScholarlyByAccount.GetValueOrDefault(account) + 1;
            }
        }
    }

    /// <summary>The window's bounds as SQL timestamp literals (COPY takes no parameters).</summary>
    private static (string From, string To) WindowLiterals(ScoringInputs inputs) =>
        (inputs.From.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
         inputs.Snapshot.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture));


    /// <summary>The window's interactions, streamed with binary COPY into flat arrays.</summary>
    public static async Task LoadInteractionsAsync(NpgsqlConnection connection, ScoringInputs inputs, CancellationToken cancellationToken)
    {
        var source = new List<int>(1 << 16);
        var target = new List<int>(1 << 16);
        var kind = new List<byte>(1 << 16);
        var post = new List<long>(1 << 16);
        var (from, to) = WindowLiterals(inputs);
        await using (var export = await connection.BeginBinaryExportAsync($"""
            COPY (SELECT source_account_id, target_account_id,
                         CASE kind WHEN 'reply' THEN 0 WHEN 'quote' THEN 1 WHEN 'mention' THEN 2 ELSE 3 END::smallint, post_id
                  FROM interactions
                  WHERE occurred_at > '{from}+00' AND occurred_at <= '{to}+00') TO STDOUT (FORMAT BINARY)
            """, cancellationToken))
        {
            while (export.StartRow() != -1)
            {
                var s = export.Read<long>(NpgsqlDbType.Bigint);
                var t = export.Read<long>(NpgsqlDbType.Bigint);
                var k = export.Read<short>(NpgsqlDbType.Smallint);
                var postId = export.Read<long>(NpgsqlDbType.Bigint);
                if (inputs.AccountIndex.TryGetValue(s, out var si) && inputs.AccountIndex.TryGetValue(t, out var ti))
                {
                    source.Add(si);
                    target.Add(ti);
                    kind.Add((byte)k);
                    post.Add(postId);
                }
            }
        }
        inputs.InteractionSource = [.. source];
        inputs.InteractionTarget = [.. target];
        inputs.InteractionKind = [.. kind];
        inputs.InteractionPost = [.. post];
        inputs.InteractionCount = source.Count;
    }

    public static async Task LoadRelationshipsAsync(NpgsqlConnection connection, ScoringInputs inputs, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT person_id, kind, since FROM crm_relationships WHERE person_id IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!inputs.PersonIndex.TryGetValue(reader.GetInt64(0), out var p))
            {
                continue;
            }
            var kind = reader.GetString(1);
            DateOnly? since = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2);
            var value = SignalFormulas.Relationship(kind, since, inputs.Snapshot);
            if (!inputs.Relationships.TryGetValue(p, out var current) || value > SignalFormulas.Relationship(current.Kind, current.Since, inputs.Snapshot))
            {
                inputs.Relationships[p] = (kind, since);
            }
        }
    }

    /// <summary>
    /// PubMed publications of the last five years matched to physicians and researchers: the
    /// author in PubMed's form ("Doe J", "Doe JA") and a term of the person's specialty in the
    /// title. A bare name match never counts (docs/scoring.md, Q8).
    /// </summary>
    public static async Task LoadPublicationsAsync(NpgsqlConnection connection, ScoringInputs inputs, IReadOnlyList<int> candidates, CancellationToken cancellationToken)
    {
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM publications)", connection))
        {
            if (!(bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }
        var byKey = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in candidates)
        {
            foreach (var key in PublicationMatching.AuthorKeys(inputs.PersonNames[p]))
            {
                if (!byKey.TryGetValue(key, out var list))
                {
                    byKey[key] = list = [];
                }
                list.Add(p);
            }
        }
        if (byKey.Count == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand("""
            SELECT title, authors FROM publications WHERE (year IS NULL OR year >= @year) AND authors && @keys
            """, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("year", inputs.Snapshot.Year - 5);
        command.Parameters.AddWithValue("keys", byKey.Keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var title = reader.GetString(0);
            var matched = new HashSet<int>();
            foreach (var author in reader.GetFieldValue<string[]>(1))
            {
                if (byKey.TryGetValue(author, out var persons))
                {
                    foreach (var p in persons.Where(p => PublicationMatching.TitleFitsSpecialty(title, inputs.Specialty[p], inputs.Profession[p])))
                    {
                        matched.Add(p);
                    }
                }
            }
            foreach (var p in matched)
            {
                inputs.Publications[p] = inputs.Publications.GetValueOrDefault(p) + 1;
                if (!inputs.PublicationTitles.TryGetValue(p, out var titles))
                {
                    inputs.PublicationTitles[p] = titles = [];
                }
                titles.Add(title);
            }
        }
    }
}

/// <summary>One of the topic's own posts as the topic read streams it out (for the topic's trends).</summary>
public delegate void TopicPostReader(long postId, long accountId, DateTime createdAt, string? text, string[]? hashtags, string[]? urls, long engagement);
