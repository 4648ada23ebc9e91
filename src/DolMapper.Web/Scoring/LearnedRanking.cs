using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Scoring.Learning;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Scoring;

/// <summary>What a training of the learned ranking did, or why it did not.</summary>
/// <summary>Why an analyst's verdict was not recorded.</summary>
public enum FeedbackRefusal
{
    UnknownVerdict,
    NoSuchPerson,
}

/// <summary>An analyst's verdict recorded, or why not.</summary>
public sealed record FeedbackResult(FeedbackRefusal? Refusal, string Verdict)
{
    public bool Done => Refusal is null;
}

public sealed record LearnedReport(bool Trained, string Message, long? ModelId = null, double? LearnedNdcg = null, double? WeightedNdcg = null);

/// <summary>The active learned ranking of a profile, as its page shows it.</summary>
public sealed record LearnedState(int Judged, int Good, int Maybe, int NotFit, int? Version, DateTime? TrainedAt, double? LearnedNdcg, double? WeightedNdcg,
    int TestCount, IReadOnlyDictionary<string, double> Importance, IReadOnlyDictionary<string, double> ProfileShares, IReadOnlyList<string> Hints)
{
    /// <summary>The weights feedback implies (signed shares), which the hints compare with <see cref="ProfileShares"/>.</summary>
    public IReadOnlyDictionary<string, double> ImpliedWeights { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// Analysts' feedback and the learned ranking per scoring profile (docs/personas.md, "Learned
/// ranking"): verdicts good fit / maybe / not a fit; once there are enough, a LightGBM ranker on
/// the ten signals of the latest run, evaluated against the weighted score by NDCG@10 on held-out
/// feedback, stored as a versioned model, applied to the run as a second ordering, with the
/// learned importance of each question and hints where it disagrees with the profile's weights.
/// A training that cannot be done (too little feedback) says so and keeps the last good model.
/// </summary>
public sealed class LearnedRanking(NpgsqlDataSource dataSource, ScoringProfiles profiles)
{
    public const int MinJudged = 30;
    public const int MinEachSide = 5;
    /// <summary>How far a question's learned share may drift from its share of the profile's weights before a hint says so.</summary>
    public const double HintGap = 0.1;

    public static float Label(string verdict) => verdict switch { "good_fit" => 2, "maybe" => 1, _ => 0 };

    /// <summary>Records an analyst's verdict on a person for a profile (their earlier verdict on them is replaced).</summary>
    public async Task<FeedbackResult> GiveAsync(int profileId, long personId, string userId, string verdict, string? note, CancellationToken cancellationToken)
    {
        if (!FeedbackVerdicts.All.Contains(verdict))
        {
            return new FeedbackResult(FeedbackRefusal.UnknownVerdict, verdict);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM feedback WHERE profile_id = @profile AND person_id = @person AND user_id = @user", connection, transaction))
        {
            delete.Parameters.AddWithValue("profile", profileId);
            delete.Parameters.AddWithValue("person", personId);
            delete.Parameters.AddWithValue("user", userId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO feedback (profile_id, person_id, user_id, verdict, note, run_id, created_at)
            SELECT @profile, @person, @user, @verdict, @note,
                   (SELECT id FROM scoring_runs WHERE profile_id = @profile AND status = '{RunStatuses.Complete}' ORDER BY completed_at DESC LIMIT 1), now()
            WHERE EXISTS (SELECT 1 FROM persons WHERE id = @person)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("profile", profileId);
            insert.Parameters.AddWithValue("person", personId);
            insert.Parameters.AddWithValue("user", userId);
            insert.Parameters.AddWithValue("verdict", verdict);
            insert.Parameters.Add(new NpgsqlParameter("note", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)note ?? DBNull.Value });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return new FeedbackResult(FeedbackRefusal.NoSuchPerson, verdict);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return new FeedbackResult(null, verdict);
    }

    /// <summary>This user's verdicts for a profile, by person.</summary>
    public Task<Dictionary<long, string>> VerdictsAsync(int profileId, string userId, IReadOnlyCollection<long> personIds, CancellationToken cancellationToken) =>
        VerdictsAsync(dataSource, profileId, userId, personIds, cancellationToken);

    /// <summary>
    /// <see cref="VerdictsAsync(int, string, IReadOnlyCollection{long}, CancellationToken)"/> on a
    /// data source of the caller's: the rankings page reads them without building this service
    /// (whose profiles need a DbContext) on every view.
    /// </summary>
    public static async Task<Dictionary<long, string>> VerdictsAsync(NpgsqlDataSource dataSource, int profileId, string userId, IReadOnlyCollection<long> personIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT person_id, verdict FROM feedback WHERE profile_id = @profile AND user_id = @user AND person_id = ANY(@ids)");
        command.Parameters.AddWithValue("profile", profileId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("ids", personIds.ToArray());
        var verdicts = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            verdicts[reader.GetInt64(0)] = reader.GetString(1);
        }
        return verdicts;
    }

    public async Task<LearnedReport> TrainAsync(int profileId, CancellationToken cancellationToken)
    {
        var profile = await profiles.LatestAsync(profileId, cancellationToken);
        if (profile is null)
        {
            return new LearnedReport(false, "No such profile.");
        }
        if (profile.Definition.IsPatient)
        {
            return new LearnedReport(false, "Learned rankings are trained on HCP profiles; a patient profile ranks by its weights alone (docs/patients.md).");
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long runId;
        await using (var command = new NpgsqlCommand($"SELECT id FROM scoring_runs WHERE profile_id = @profile AND status = '{RunStatuses.Complete}' ORDER BY completed_at DESC LIMIT 1", connection))
        {
            command.Parameters.AddWithValue("profile", profileId);
            if (await command.ExecuteScalarAsync(cancellationToken) is not long id)
            {
                return new LearnedReport(false, "The profile has no complete scoring run to learn from yet.");
            }
            runId = id;
        }
        // One label per judged person of the run: the average of the analysts' latest verdicts.
        var columns = string.Join(", ", Questions.All.Select(k => "s." + k));
        var judged = new List<(long Person, double[] Signals, float Label, double Weighted)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT s.person_id, {columns}, avg(CASE f.verdict WHEN 'good_fit' THEN 2 WHEN 'maybe' THEN 1 ELSE 0 END)::float4 AS grade, s.score
            FROM feedback f JOIN person_scores s ON s.run_id = @run AND s.person_id = f.person_id
            WHERE f.profile_id = @profile AND s.person_id NOT IN ({OptOutSql.OptedOutPersons})
            GROUP BY s.person_id, {columns}, s.score
            ORDER BY s.person_id
            """, connection))
        {
            command.Parameters.AddWithValue("run", runId);
            command.Parameters.AddWithValue("profile", profileId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var (person, signal, grade, score) = (reader.GetOrdinal("person_id"), Questions.All.Select(reader.GetOrdinal).ToArray(), reader.GetOrdinal("grade"), reader.GetOrdinal("score"));
            while (await reader.ReadAsync(cancellationToken))
            {
                var weighted = reader.GetDouble(score);
                // LightGBM's lambdarank takes whole relevance grades: analysts' average, rounded (ties to even).
                judged.Add((reader.GetInt64(person), [.. signal.Select(reader.GetDouble), weighted / 100],
                    MathF.Round(reader.GetFloat(grade)), weighted));
            }
        }
        var good = judged.Count(j => j.Label >= 1.5f);
        var notFit = judged.Count(j => j.Label <= 0.5f);
        if (judged.Count < MinJudged || good < MinEachSide || notFit < MinEachSide)
        {
            return new LearnedReport(false,
                $"Not enough feedback to learn from yet: {judged.Count} persons judged ({good} good fits, {notFit} not a fit) in the latest run; " +
                $"the learned ranking needs at least {MinJudged}, with at least {MinEachSide} good fits and {MinEachSide} not a fit. The weighted score stays the only ordering.");
        }

        // Held out: five folds (by a hash of the id, so the split is stable as feedback grows); each fold
        // is ranked by a model trained on the other four and by the weighted score, and NDCG@10 is
        // averaged over the folds — one small held-out set alone swings too much to compare the two.
        static uint Mix(long id) => (uint)((ulong)id * 11400714819323198485UL >> 40);
        static int Fold(long id) => (int)((ulong)id * 2654435761UL % 5);
        var learnedFolds = new List<double>();
        var weightedFolds = new List<double>();
        for (var fold = 0; fold < 5; fold++)
        {
            var test = judged.Where(j => Fold(j.Person) == fold).ToList();
            if (test.Count < 5 || !test.Any(t => t.Label > 0))
            {
                continue;
            }
            // LightGBM ranks within groups of consecutive rows: groups of 20 judged persons, in a mixed order.
            var examples = judged.Where(j => Fold(j.Person) != fold).OrderBy(j => Mix(j.Person))
                .Select((j, i) => new JudgedPerson(j.Person, j.Signals, j.Label, (uint)(i / 20))).ToList();
            var held = LearnedRanker.Train(examples);
            var learnedScores = LearnedRanker.Score(held.Model, [.. test.Select(t => t.Signals)]);
            learnedFolds.Add(LearnedRanker.Ndcg([.. learnedScores.Select(v => (double)v)], [.. test.Select(t => t.Label)]));
            weightedFolds.Add(LearnedRanker.Ndcg([.. test.Select(t => t.Weighted)], [.. test.Select(t => t.Label)]));
        }
        double? learnedNdcg = learnedFolds.Count > 0 ? learnedFolds.Average() : null;
        double? weightedNdcg = weightedFolds.Count > 0 ? weightedFolds.Average() : null;
        var testCount = judged.Count;
        // The model offered is trained on all feedback; the figures above are the held-out check.
        var final = LearnedRanker.Train([.. judged.OrderBy(j => Mix(j.Person)).Select((j, i) => new JudgedPerson(j.Person, j.Signals, j.Label, (uint)(i / 20)))]);
        var weights = profile.Definition.ToWeights().Values;
        var totalWeight = weights.Sum(Math.Abs);
        var importance = Questions.All.Select((k, i) => (k, final.Importance[i])).ToDictionary(x => x.k, x => Math.Round(x.Item2, 4));
        // The hints compare like with like: the weights feedback implies (a linear fit on the signals) with the profile's weights.
        var implied = LearnedRanker.ImpliedWeights([.. judged.Select(j => new JudgedPerson(j.Person, j.Signals, j.Label, 0))]);
        var impliedShares = Questions.All.Select((k, i) => (k, implied[i])).ToDictionary(x => x.k, x => Math.Round(x.Item2, 4));
        var shares = Questions.All.Select((k, i) => (k, weights[i] / totalWeight)).ToDictionary(x => x.k, x => Math.Round(x.Item2, 4));
        var hints = Hints(impliedShares, shares);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var metrics = JsonSerializer.Serialize(new
        {
            run = runId, judged = judged.Count, good, maybe = judged.Count - good - notFit, not_fit = notFit,
            folds = learnedFolds.Count, test = testCount, ndcg10 = new { learned = learnedNdcg, weighted = weightedNdcg, by_fold = new { learned = learnedFolds, weighted = weightedFolds } },
            importance, implied_weights = impliedShares, profile_shares = shares, hints,
        });
        var (modelId, version) = await Data.TrainedModels.AddActiveVersionAsync(connection, transaction, ModelKinds.Ranker, profileId, final.Model, metrics, cancellationToken);
        await ApplyAsync(connection, transaction, runId, final.Model, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new LearnedReport(true,
            $"Learned ranking v{version} from {judged.Count} judged persons: NDCG@10 on held-out feedback (5 folds) {Format(learnedNdcg)}, weighted score {Format(weightedNdcg)}." +
            (hints.Count > 0 ? " " + string.Join(" ", hints) : ""), modelId, learnedNdcg, weightedNdcg);
    }

    /// <summary>Scores a new run with the profile's active ranker (after each scoring run), so the second ordering follows the data.</summary>
    public async Task<bool> ApplyActiveAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        byte[]? model;
        await using (var command = new NpgsqlCommand($"""
            SELECT m.content FROM trained_models m JOIN scoring_runs r ON r.profile_id = m.profile_id
            WHERE r.id = @run AND m.kind = '{ModelKinds.Ranker}' AND m.is_active
            """, connection))
        {
            command.Parameters.AddWithValue("run", runId);
            model = await command.ExecuteScalarAsync(cancellationToken) as byte[];
        }
        if (model is null)
        {
            return false;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ApplyAsync(connection, transaction, runId, model, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<LearnedState> StateAsync(int profileId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        int judged = 0, good = 0, maybe = 0, notFit = 0;
        await using (var command = new NpgsqlCommand("""
            SELECT count(*), count(*) FILTER (WHERE l >= 1.5), count(*) FILTER (WHERE l > 0.5 AND l < 1.5), count(*) FILTER (WHERE l <= 0.5)
            FROM (SELECT person_id, avg(CASE verdict WHEN 'good_fit' THEN 2 WHEN 'maybe' THEN 1 ELSE 0 END) AS l FROM feedback WHERE profile_id = @profile GROUP BY person_id) x
            """, connection))
        {
            command.Parameters.AddWithValue("profile", profileId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (judged, good, maybe, notFit) = ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3));
        }
        await using (var command = new NpgsqlCommand($"SELECT version, created_at, metrics::text FROM trained_models WHERE kind = '{ModelKinds.Ranker}' AND profile_id = @profile AND is_active", connection))
        {
            command.Parameters.AddWithValue("profile", profileId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new LearnedState(judged, good, maybe, notFit, null, null, null, null, 0, new Dictionary<string, double>(), new Dictionary<string, double>(), []);
            }
            using var metrics = JsonDocument.Parse(reader.GetString(2));
            var root = metrics.RootElement;
            double? N(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
            Dictionary<string, double> Map(string name) => root.GetProperty(name).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            return new LearnedState(judged, good, maybe, notFit, reader.GetInt32(0), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc),
                N(root.GetProperty("ndcg10").GetProperty("learned")), N(root.GetProperty("ndcg10").GetProperty("weighted")), root.GetProperty("test").GetInt32(),
                Map("importance"), Map("profile_shares"), [.. root.GetProperty("hints").EnumerateArray().Select(h => h.GetString()!)])
            {
                ImpliedWeights = Map("implied_weights"),
            };
        }
    }

    /// <summary>
    /// Where the weights feedback implies and the profile's weights disagree (both as signed shares of
    /// their total), in words an admin can act on.
    /// </summary>
    public static IReadOnlyList<string> Hints(IReadOnlyDictionary<string, double> implied, IReadOnlyDictionary<string, double> shares)
    {
        var hints = new List<string>();
        foreach (var key in Questions.All)
        {
            var gap = implied.GetValueOrDefault(key) - shares.GetValueOrDefault(key);
            var words = $"({implied.GetValueOrDefault(key):P0} of the weights feedback implies vs {shares.GetValueOrDefault(key):P0} of the profile's)";
            if (gap >= HintGap)
            {
                hints.Add($"Feedback values {key.Replace('_', ' ')} more than this profile does {words}.");
            }
            else if (gap <= -HintGap)
            {
                hints.Add($"Feedback values {key.Replace('_', ' ')} less than this profile does {words}.");
            }
        }
        return hints;
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long runId, byte[] model, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", Questions.All);
        var ids = new List<long>();
        var signals = new List<double[]>();
        await using (var command = new NpgsqlCommand($"SELECT person_id, {columns}, score FROM person_scores WHERE run_id = @run ORDER BY person_id", connection, transaction) { CommandTimeout = 0 })
        {
            command.Parameters.AddWithValue("run", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var (person, signal, score) = (reader.GetOrdinal("person_id"), Questions.All.Select(reader.GetOrdinal).ToArray(), reader.GetOrdinal("score"));
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(person));
                signals.Add([.. signal.Select(reader.GetDouble), reader.GetDouble(score) / 100]);
            }
        }
        var scores = LearnedRanker.Score(model, signals);
        var order = Enumerable.Range(0, ids.Count).OrderByDescending(i => scores[i]).ThenBy(i => ids[i]).ToArray();
        var ranks = new int[ids.Count];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r + 1;
        }
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE learned (person_id bigint PRIMARY KEY, score double precision, rank int) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("COPY learned (person_id, score, rank) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < ids.Count; i++)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(ids[i], NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync((double)scores[i], NpgsqlTypes.NpgsqlDbType.Double, cancellationToken);
                await copy.WriteAsync(ranks[i], NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using var update = new NpgsqlCommand("""
            UPDATE person_scores s SET learned_score = l.score, learned_rank = l.rank FROM learned l WHERE s.run_id = @run AND s.person_id = l.person_id
            """, connection, transaction) { CommandTimeout = 0 };
        update.Parameters.AddWithValue("run", runId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Format(double? value) => value is { } v ? v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "n/a (too few held out)";
}
