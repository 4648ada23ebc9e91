using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using System.Diagnostics;
using System.Text.Json;
using DolMapper.Scoring.Personas;
using Npgsql;

namespace DolMapper.Web.Scoring;

/// <summary>What a persona training did.</summary>
public sealed record PersonaReport(bool Trained, string Message, long? ModelId = null, int K = 0, IReadOnlyList<string>? Names = null, TimeSpan Elapsed = default);

/// <summary>
/// Personas of a scoring run (docs/personas.md): k-means over the run's behaviour features, k by
/// silhouette, each cluster named from its centroid and matched to the previous model's personas
/// (so keys and names carry over), described as think / feel / do from the members' posts, and
/// stored as a new model version; the run's rows get their persona. A failed training leaves the
/// last good model active.
/// </summary>
public sealed class PersonaTraining(NpgsqlDataSource dataSource, ILogger<PersonaTraining> logger)
{
    /// <summary>A persona's "feel" when no tone stands out; the Personas page leaves it out rather than say nothing.</summary>
    public const string AverageTone = "sounds like the average";

    /// <summary>The tone lexicon (docs/personas.md): words whose share of posts says how members sound.</summary>
    public static IReadOnlyDictionary<string, string[]> Tones { get; } = new Dictionary<string, string[]>
    {
        ["upbeat"] = ["great", "excited", "proud", "thrilled", "congratulations", "congrats", "wonderful", "love", "happy", "amazing", "delighted", "celebrate"],
        ["concerned"] = ["concerned", "worried", "worrying", "sad", "frustrated", "frustrating", "terrible", "angry", "disappointed", "alarming", "shame"],
        ["caring"] = ["support", "together", "listen", "care", "families", "hope", "kindness", "compassion", "thank", "grateful"],
        ["urgent"] = ["urgent", "must", "breaking", "alert", "now", "immediately", "critical", "important"],
        ["analytical"] = ["data", "trial", "study", "evidence", "results", "analysis", "cohort", "randomized", "meta", "endpoint", "findings"],
    };

    /// <summary>How much better (mean silhouette) a fresh clustering must be to replace the personas that continue.</summary>
    public const double StabilityMargin = 0.02;

    /// <summary>How many members of each persona (an evenly spread, repeatable sample) its think / feel / do description is read from.</summary>
    public const int DescriptionSample = 2_000;

    public async Task<PersonaReport> TrainAsync(long runId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        int profileId;
        // Personas are found among the HCPs of HCP profiles; a patient profile's run has none (docs/patients.md).
        await using (var command = new NpgsqlCommand($"""
            SELECT r.profile_id FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
            WHERE r.id = @run AND r.status = '{RunStatuses.Complete}' AND p.kind = 'hcp'
            """, connection))
        {
            command.Parameters.AddWithValue("run", runId);
            if (await command.ExecuteScalarAsync(cancellationToken) is not int id)
            {
                return new PersonaReport(false, $"Run {runId} is not a complete scoring run of an HCP profile.");
            }
            profileId = id;
        }
        var seconds = new Dictionary<string, double>();
        void Lap(string step)
        {
            seconds[step] = Math.Round(clock.Elapsed.TotalSeconds - seconds.Values.Sum(), 2);
        }
        var table = await PersonaFeatureTable.LoadAsync(connection, runId, cancellationToken);
        Lap("features");
        if (table.PersonIds.Length < PersonaClustering.MaxK * 3)
        {
            return new PersonaReport(false, $"Run {runId} scored {table.PersonIds.Length} persons; personas need at least {PersonaClustering.MaxK * 3}. The last personas stay.");
        }
        var clusters = PersonaClustering.Fit(table.Rows);
        Lap("clustering");
        var fit = clusters.Chosen;
        var names = PersonaNaming.Name(PersonaFeatureTable.Names, fit.Centroids);
        var keys = new string[fit.K];
        var continued = false;

        var previous = await PreviousAsync(connection, profileId, cancellationToken);
        if (previous.Count > 0)
        {
            var restandardised = previous.Select(p => p.Original.Select((v, j) => clusters.Deviations[j] > 1e-12 ? (v - clusters.Means[j]) / clusters.Deviations[j] : 0).ToArray()).ToArray();
            // Stability first: the previous personas, refined on the new data, are kept unless a fresh
            // clustering separates the persons clearly better (by more than StabilityMargin).
            var refined = PersonaClustering.Refine(clusters.Standardised, restandardised, clusters.Sample);
            if (refined.Silhouette >= fit.Silhouette - StabilityMargin && refined.Assignments.Distinct().Count() == refined.K)
            {
                fit = refined;
                keys = [.. previous.Select(p => p.Key)];
                names = [.. previous.Select(p => p.Name)];
                continued = true;
            }
            else
            {
                var match = PersonaNaming.Match(fit.Centroids, restandardised);
                for (var c = 0; c < fit.K; c++)
                {
                    if (match[c] >= 0)
                    {
                        (keys[c], names[c]) = (previous[match[c]].Key, previous[match[c]].Name);
                    }
                }
            }
        }
        if (!continued)
        {
            var usedNames = new HashSet<string>(names.Where((_, c) => keys[c] is not null));
            for (var c = 0; c < fit.K; c++)
            {
                if (keys[c] is null)
                {
                    // A new persona: its rule name, unless a carried-over persona already has it.
                    var name = names[c];
                    for (var n = 2; !usedNames.Add(name); n++)
                    {
                        name = $"{names[c]} {n}";
                    }
                    names[c] = name;
                    keys[c] = Slug(name);
                    for (var n = 2; keys.Where((k, i) => i != c && k == keys[c]).Any(); n++)
                    {
                        keys[c] = $"{Slug(name)}-{n}";
                    }
                }
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE persona_members (person_id bigint PRIMARY KEY, cluster int NOT NULL) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("COPY persona_members (person_id, cluster) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < table.PersonIds.Length; i++)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(table.PersonIds[i], NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(fit.Assignments[i], NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        // The descriptions read members' posts: an evenly spread sample of each persona is enough for
        // shares and a peak hour (docs/personas.md), and keeps the job's time flat as the world grows.
        await using (var sample = new NpgsqlCommand($"""
            ANALYZE persona_members;
            CREATE TEMP TABLE persona_sample ON COMMIT DROP AS
            SELECT person_id, cluster, members, r FROM (
                SELECT person_id, cluster, count(*) OVER (PARTITION BY cluster) AS members,
                       row_number() OVER (PARTITION BY cluster ORDER BY hashint8(person_id), person_id) AS r
                FROM persona_members) x
            WHERE r <= {DescriptionSample};
            ANALYZE persona_sample;
            """, connection, transaction))
        {
            await sample.ExecuteNonQueryAsync(cancellationToken);
        }
        Lap("matching");
        var descriptions = await DescribeAsync(connection, transaction, runId, fit.K, cancellationToken);
        Lap("descriptions");

        var original = fit.Centroids.Select(c => c.Select((z, j) => clusters.Means[j] + z * clusters.Deviations[j]).ToArray()).ToArray();
        var content = JsonSerializer.SerializeToUtf8Bytes(new
        {
            features = PersonaFeatureTable.Names, means = clusters.Means, deviations = clusters.Deviations,
            centroids = original, keys, names,
        });
        var sizes = Enumerable.Range(0, fit.K).Select(c => fit.Assignments.Count(a => a == c)).ToArray();
        var metrics = JsonSerializer.Serialize(new
        {
            run = runId, k = fit.K, persons = table.PersonIds.Length, continued, chosen_silhouette = Math.Round(fit.Silhouette, 4),
            silhouette = clusters.SilhouetteByK.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => Math.Round(p.Value, 4)),
            sizes, seconds = Math.Round(clock.Elapsed.TotalSeconds, 2), steps = seconds,
        });
        // Active at once within this transaction: the previous personas were read above, and nothing
        // of this model is visible before the commit.
        var (modelId, version) = await Data.TrainedModels.AddActiveVersionAsync(connection, transaction, ModelKinds.Personas, profileId, content, metrics, cancellationToken);
        var personaIds = new int[fit.K];
        for (var c = 0; c < fit.K; c++)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO personas (model_id, profile_id, key, name, description, centroid, traits, member_count, created_at)
                VALUES (@model, @profile, @key, @name, @description, @centroid::jsonb, @traits::jsonb, @members, now()) RETURNING id
                """, connection, transaction);
            insert.Parameters.AddWithValue("model", modelId);
            insert.Parameters.AddWithValue("profile", profileId);
            insert.Parameters.AddWithValue("key", keys[c]);
            insert.Parameters.AddWithValue("name", names[c]);
            insert.Parameters.AddWithValue("description", descriptions[c].Summary);
            insert.Parameters.AddWithValue("centroid", JsonSerializer.Serialize(PersonaFeatureTable.Names.Select((f, j) => (f, j)).ToDictionary(x => x.f, x => new { z = Math.Round(fit.Centroids[c][x.j], 3), value = Math.Round(original[c][x.j], 4) })));
            insert.Parameters.AddWithValue("traits", descriptions[c].Json);
            insert.Parameters.AddWithValue("members", sizes[c]);
            personaIds[c] = (int)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }
        await using (var assign = new NpgsqlCommand("""
            DELETE FROM persona_assignments WHERE run_id = @run;
            INSERT INTO persona_assignments (run_id, person_id, persona_id)
            SELECT @run, m.person_id, (@ids)[m.cluster + 1] FROM persona_members m;
            """, connection, transaction) { CommandTimeout = 0 })
        {
            assign.Parameters.AddWithValue("ids", personaIds);
            assign.Parameters.AddWithValue("run", runId);
            await assign.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Personas v{Version} of run {Run}: k={K} ({Names}) in {Seconds:0.0} s", version, runId, fit.K, string.Join(", ", names), clock.Elapsed.TotalSeconds);
        Lap("writing");
        return new PersonaReport(true, $"Personas v{version}{(continued ? ", continuing the last ones" : "")}: {fit.K} ({string.Join(", ", names.Select((n, c) => $"{n} {sizes[c]:N0}"))}), silhouette {fit.Silhouette:0.000}, in {clock.Elapsed.TotalSeconds:0.0} s (steps: {string.Join(", ", seconds.Select(p => $"{p.Key} {p.Value:0.0}"))}).",
            modelId, fit.K, names, clock.Elapsed);
    }

    private sealed record PreviousPersona(string Key, string Name, double[] Original);

    private static async Task<List<PreviousPersona>> PreviousAsync(NpgsqlConnection connection, int profileId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT content FROM trained_models WHERE kind = '{ModelKinds.Personas}' AND profile_id = @profile AND is_active ORDER BY version DESC LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("profile", profileId);
        if (await command.ExecuteScalarAsync(cancellationToken) is not byte[] content)
        {
            return [];
        }
        using var document = JsonDocument.Parse(content);
        var root = document.RootElement;
        var features = root.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToList();
        if (!features.SequenceEqual(PersonaFeatureTable.Names))
        {
            return [];
        }
        var keys = root.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        var names = root.GetProperty("names").EnumerateArray().Select(k => k.GetString()!).ToList();
        var centroids = root.GetProperty("centroids").EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
        return [.. keys.Select((k, i) => new PreviousPersona(k, names[i], centroids[i]))];
    }

    private sealed record Description(string Summary, string Json);

    /// <summary>Think (hashtags, specialties), feel (tone lexicon lift), do (hours, days, platforms, replies, links, length) per cluster, from the posts in the run's window of a sample of its members (<see cref="DescriptionSample"/>; specialties from all).</summary>
    private static async Task<Description[]> DescribeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long runId, int k, CancellationToken cancellationToken)
    {
        var tags = Enumerable.Range(0, k).Select(_ => new List<string>()).ToArray();
        var specialties = Enumerable.Range(0, k).Select(_ => new List<string>()).ToArray();
        var tones = Enumerable.Range(0, k).Select(_ => new Dictionary<string, double>()).ToArray();
        var behaviour = new (double PeakHour, double Weekend, double Replies, double Links, double Length, double PerWeek, string Platforms)[k];
        DateTime from, to;
        await using (var bounds = new NpgsqlCommand("SELECT (details -> 'window' ->> 'from')::timestamptz, data_snapshot_at FROM scoring_runs WHERE id = @run", connection, transaction))
        {
            bounds.Parameters.AddWithValue("run", runId);
            await using var reader = await bounds.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            to = reader.GetDateTime(1);
            from = reader.IsDBNull(0) ? to.AddDays(-365) : reader.GetDateTime(0);
        }
        var weeks = Math.Max(1, (to - from).TotalDays / 7);
        async Task ReadAsync(string sql, Action<NpgsqlDataReader> row)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", to);
            command.Parameters.AddWithValue("weeks", weeks);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }
        // The sample's posts in the window, read once (every description below reads them).
        await using (var read = new NpgsqlCommand("""
            CREATE TEMP TABLE sample_posts ON COMMIT DROP AS
            SELECT m.cluster, m.person_id, a.platform, p.created_at, p.hashtags,
                   p.reply_to_post_external_id IS NOT NULL AS is_reply, cardinality(p.urls) > 0 AS has_link, length(p.text) AS len
            FROM persona_sample m
            JOIN accounts a ON a.person_id = m.person_id
            JOIN posts p ON p.account_id = a.id AND p.deleted_at IS NULL AND p.created_at > @from AND p.created_at <= @to;
            ANALYZE sample_posts;
            """, connection, transaction) { CommandTimeout = 0 })
        {
            read.Parameters.AddWithValue("from", from);
            read.Parameters.AddWithValue("to", to);
            await read.ExecuteNonQueryAsync(cancellationToken);
        }
        // Think: the hashtags that set the persona apart — used by at least 5% of its members, ranked by
        // how much more of its members use them than of everyone (lift), not simply the most common.
        await ReadAsync($"""
            WITH used AS (SELECT DISTINCT p.cluster, p.person_id, t.tag FROM sample_posts p CROSS JOIN LATERAL unnest(p.hashtags) t(tag)),
            sizes AS (SELECT cluster, count(*)::float8 AS sampled, max(members)::float8 AS members FROM persona_sample GROUP BY cluster),
            shares AS (SELECT u.cluster, u.tag, count(*) / s.sampled AS share, s.members
                       FROM used u JOIN sizes s ON s.cluster = u.cluster GROUP BY u.cluster, u.tag, s.sampled, s.members),
            -- Everyone's share: each persona's share weighted by its full size (the sample takes as many of each).
            everyone AS (SELECT tag, sum(share * members) / (SELECT count(*) FROM persona_members) AS share FROM shares GROUP BY tag)
            SELECT cluster, tag FROM (
                SELECT sh.cluster, sh.tag, row_number() OVER (PARTITION BY sh.cluster ORDER BY sh.share / e.share DESC, sh.share DESC, sh.tag) AS r
                FROM shares sh JOIN everyone e ON e.tag = sh.tag WHERE sh.share >= 0.05) x
            WHERE r <= 6 ORDER BY cluster, r
            """, r => tags[r.GetInt32(0)].Add(r.GetString(1)));
        await ReadAsync("""
            SELECT cluster, specialty FROM (
                SELECT m.cluster, n.specialty, row_number() OVER (PARTITION BY m.cluster ORDER BY count(*) DESC, n.specialty) AS r
                FROM persona_members m JOIN persons n ON n.id = m.person_id WHERE n.specialty IS NOT NULL
                GROUP BY m.cluster, n.specialty) x
            WHERE r <= 3 ORDER BY cluster, r
            """, r => specialties[r.GetInt32(0)].Add(r.GetString(1)));
        await ReadAsync($"""
            SELECT p.cluster,
                   mode() WITHIN GROUP (ORDER BY extract(hour FROM p.created_at AT TIME ZONE 'UTC'))::float8 AS peak_hour,
                   avg(CASE WHEN extract(isodow FROM p.created_at AT TIME ZONE 'UTC') >= 6 THEN 1.0 ELSE 0 END)::float8 AS weekend,
                   avg(CASE WHEN p.is_reply THEN 1.0 ELSE 0 END)::float8 AS replies,
                   avg(CASE WHEN p.has_link THEN 1.0 ELSE 0 END)::float8 AS links,
                   avg(p.len)::float8 AS length,
                   count(*)::float8 / greatest(count(DISTINCT p.person_id), 1) / @weeks AS per_week,
                   (SELECT string_agg(platform || ' ' || round(100.0 * n / total) || '%', ', ' ORDER BY n DESC)
                    FROM (SELECT p2.platform, count(*) AS n, sum(count(*)) OVER () AS total
                          FROM sample_posts p2 WHERE p2.cluster = p.cluster GROUP BY p2.platform) x) AS platforms
            FROM sample_posts p
            GROUP BY p.cluster
            """, r => behaviour[r.Get<int>("cluster")] = (r.Get<double>("peak_hour"), r.Get<double>("weekend"), r.Get<double>("replies"), r.Get<double>("links"),
                r.Get<double?>("length") ?? 0, r.Get<double>("per_week"), r.Get<string>("platforms") ?? ""));
        // Tone: the share of a sample of members' posts (up to 100 members, 30 posts each) with a lexicon word, as a lift over all clusters.
        var toneSql = string.Join(",\n", Tones.Select(t => $"avg(CASE WHEN lower(text) ~ '\\m({string.Join("|", t.Value)})\\M' THEN 1.0 ELSE 0 END) AS {t.Key}"));
        var shares = new double[k][];
        await ReadAsync($"""
            WITH sampled AS MATERIALIZED (
                SELECT a.id AS account_id, s.person_id, s.cluster FROM persona_sample s JOIN accounts a ON a.person_id = s.person_id WHERE s.r <= 100),
            -- Each sampled account's latest 30 posts (read by author, so on a distributed database each
            -- worker reads its own), then each person's latest 30 among them.
            recent AS MATERIALIZED (
                SELECT account_id, text, created_at FROM (
                    SELECT p.account_id, p.text, p.created_at, row_number() OVER (PARTITION BY p.account_id ORDER BY p.created_at DESC) AS n
                    FROM posts p
                    WHERE p.account_id IN (SELECT account_id FROM sampled) AND p.deleted_at IS NULL AND p.text IS NOT NULL
                      AND p.created_at > @from AND p.created_at <= @to) latest
                WHERE n <= 30),
            texts AS (
                SELECT cluster, text FROM (
                    SELECT s.cluster, r.text, row_number() OVER (PARTITION BY s.person_id ORDER BY r.created_at DESC) AS n
                    FROM recent r JOIN sampled s ON s.account_id = r.account_id) mine
                WHERE n <= 30)
            SELECT cluster, {toneSql} FROM texts GROUP BY cluster
            """, r => shares[r.Get<int>("cluster")] = [.. Tones.Keys.Select(tone => (double)r.Get<decimal>(tone))]);
        for (var c = 0; c < k; c++)
        {
            shares[c] ??= new double[Tones.Count];
        }
        var overall = Enumerable.Range(0, Tones.Count).Select(i => shares.Average(s => s[i])).ToArray();
        var result = new Description[k];
        for (var c = 0; c < k; c++)
        {
            var lift = Tones.Keys.Select((t, i) => (Tone: t, Lift: overall[i] > 0 ? shares[c][i] / overall[i] : 1, Share: shares[c][i])).OrderByDescending(x => x.Lift).ToList();
            var b = behaviour[c];
            var think = tags[c].Count > 0 ? $"talks about #{string.Join(", #", tags[c].Take(4))}" : "posts on no common hashtag";
            if (specialties[c].Count > 0)
            {
                think += $"; mostly {string.Join(", ", specialties[c].Select(x => x.Replace('_', ' ')))}";
            }
            // A tone speaks for a persona when it is clearly more common among them and not a rarity (at least 2% of their posts).
            var feel = lift[0].Lift >= 1.15 && lift[0].Share >= 0.02 ? $"sounds {lift[0].Tone} more than others ({lift[0].Share:P0} of posts)" : AverageTone;
            var doing = $"{b.PerWeek:0.0} posts a week, busiest around {b.PeakHour:00}:00 UTC, {b.Replies:P0} replies, {b.Links:P0} with links, {b.Weekend:P0} at weekends; {b.Platforms}";
            var json = JsonSerializer.Serialize(new
            {
                think = new { hashtags = tags[c], specialties = specialties[c] },
                feel = new { tones = lift.ToDictionary(x => x.Tone, x => new { share = Math.Round(x.Share, 4), lift = Math.Round(x.Lift, 2) }) },
                @do = new { posts_per_week = Math.Round(b.PerWeek, 2), peak_hour_utc = b.PeakHour, reply_share = Math.Round(b.Replies, 3), link_share = Math.Round(b.Links, 3), weekend_share = Math.Round(b.Weekend, 3), mean_length = Math.Round(b.Length), platforms = b.Platforms },
                summary = new { think, feel, @do = doing },
            });
            result[c] = new Description($"Think: {think}. Feel: {feel}. Do: {doing}.", json);
        }
        return result;
    }

    private static string Slug(string name) =>
        string.Concat(name.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-')).Trim('-');
}
