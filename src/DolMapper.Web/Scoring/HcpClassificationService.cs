using DolMapper.Web.Data.Entities;
using System.Text.Json;
using DolMapper.Scoring.Hcp;
using DolMapper.Web.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Scoring;

/// <summary>What a classification pass did.</summary>
public sealed record ClassificationReport(long ModelId, int ModelVersion, int Examined, int Classified, int Hcps, TimeSpan Elapsed);

/// <summary>
/// Keeps every person's HCP classification current: trains the model when none is stored (the
/// repository's corpus plus every role an admin confirmed or corrected), stores it versioned in
/// trained_models, and classifies the persons whose names, handles or bios changed since — or who
/// were classified by an older model. Admin-confirmed persons keep their role.
/// </summary>
public sealed class HcpClassificationService(NpgsqlDataSource dataSource, CrossProcessLock locks, ILogger<HcpClassificationService> logger)
{
    public const string ModelKind = ModelKinds.HcpClassifier;
    private readonly SemaphoreSlim _cacheGate = new(1, 1);
    private (long Id, int Version, HcpClassifier Model)? _cached;

    /// <summary>The active model, trained now if there is none or if admins confirmed roles since it was trained.</summary>
    public async Task<(long Id, int Version, HcpClassifier Model)> EnsureModelAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var corrections = await CountCorrectionsAsync(connection, cancellationToken);
        var active = await ActiveAsync(connection, cancellationToken);
        // Trained again when admins confirmed roles since, or when an upgrade changed the corpus or the cues.
        bool Stale() => active is null || active.Value.Corrections != corrections || active.Value.TrainedOn != CorpusFingerprint.Value;
        if (Stale())
        {
            await using var held = await locks.AcquireAsync("train:" + ModelKind, cancellationToken: cancellationToken);
            active = await ActiveAsync(connection, cancellationToken);
            corrections = await CountCorrectionsAsync(connection, cancellationToken);
            if (Stale())
            {
                await TrainAsync(connection, corrections, cancellationToken);
                active = await ActiveAsync(connection, cancellationToken);
            }
        }
        var (id, version, _, _) = active!.Value;
        await _cacheGate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } cached && cached.Id == id)
            {
                return cached;
            }
            await using var command = new NpgsqlCommand("SELECT content FROM trained_models WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", id);
            var content = (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
            using var stream = new MemoryStream(content);
            _cached = (id, version, HcpClassifier.Load(stream));
            return _cached.Value;
        }
        finally
        {
            _cacheGate.Release();
        }
    }

    private static readonly Lazy<string> CorpusFingerprint = new(() => HcpCorpus.Fingerprint(HcpCorpus.Load()));

    private static async Task<(long Id, int Version, int Corrections, string? TrainedOn)?> ActiveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT id, version, coalesce((metrics ->> 'corrections')::int, 0), metrics ->> 'trained_on'
            FROM trained_models WHERE kind = @kind AND is_active ORDER BY version DESC LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("kind", ModelKind);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3)) : null;
    }

    private static async Task<int> CountCorrectionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM persons WHERE role_confirmed AND profession IS NOT NULL", connection);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task TrainAsync(NpgsqlConnection connection, int corrections, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var corpus = HcpCorpus.Load().ToList();
        var confirmed = new List<HcpExample>();
        await using (var command = new NpgsqlCommand(PersonInputSql("WHERE p.role_confirmed AND p.profession IS NOT NULL"), connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var input = ReadInput(reader);
                var label = reader.GetString(7);
                if (HcpLabels.IsLabel(label))
                {
                    confirmed.Add(new HcpExample(label, reader.IsDBNull(8) ? null : reader.GetString(8), input.Name, input.Handle, input.Bio));
                }
            }
        }
        // The held-out figures are the corpus's documented split; corrections only ever train.
        var (train, test) = HcpEvaluation.Split(corpus);
        var metrics = HcpEvaluation.Evaluate([.. train, .. confirmed], test);
        var model = HcpClassifier.Train([.. corpus, .. confirmed]);
        using var stream = new MemoryStream();
        model.Save(stream);
        var details = JsonSerializer.Serialize(new
        {
            corpus = corpus.Count,
            trained_on = CorpusFingerprint.Value,
            corrections = confirmed.Count,
            held_out = new
            {
                train = metrics.TrainCount,
                test = metrics.TestCount,
                hcp_accuracy = Math.Round(metrics.HcpAccuracy, 4),
                macro_f1 = Math.Round(metrics.MacroF1, 4),
                physician_precision = Math.Round(metrics.PerClass[HcpLabels.Physician].Precision, 4),
                physician_recall = Math.Round(metrics.PerClass[HcpLabels.Physician].Recall, 4),
                specialty_accuracy = Math.Round(metrics.SpecialtyAccuracy, 4),
            },
            seconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 2),
        });
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Data.TrainedModels.AddActiveVersionAsync(connection, transaction, ModelKind, null, stream.ToArray(), details, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Trained the HCP classifier on {Corpus} corpus profiles and {Corrections} admin corrections: {Metrics}", corpus.Count, confirmed.Count, details);
    }

    /// <summary>Classifies every person whose inputs or model changed since their last classification.</summary>
    public async Task<ClassificationReport> ClassifyAsync(CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var (modelId, modelVersion, model) = await EnsureModelAsync(cancellationToken);
        // Runs of several profiles start together; one classifies, the others then find nothing to do.
        await using var held = await locks.AcquireAsync("classify:" + ModelKind, cancellationToken: cancellationToken);
        await using var reading = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var writing = await dataSource.OpenConnectionAsync(cancellationToken);
        var examined = 0;
        var classified = 0;
        var hcps = 0;
        var batch = new List<(long Id, long Hash, PersonInput Input)>(BatchSize);

        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }
            var predictions = model.PredictMany([.. batch.Select(b => ((string?)b.Input.Name, (string?)b.Input.Handle, (string?)b.Input.Bio))]);
            await WriteAsync(writing, batch, predictions, modelId, modelVersion, cancellationToken);
            classified += batch.Count;
            hcps += predictions.Count(p => HcpLabels.IsHcp(p.Label));
            batch.Clear();
        }

        await using (var command = new NpgsqlCommand(PersonInputSql("WHERE NOT p.role_confirmed"), reading))
        {
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                examined++;
                var input = ReadInput(reader);
                var hash = input.Hash();
                var byModel = reader.IsDBNull(4) ? (long?)null : reader.GetInt64(4);
                var storedHash = reader.IsDBNull(5) ? (long?)null : reader.GetInt64(5);
                if (byModel == modelId && storedHash == hash)
                {
                    continue;
                }
                batch.Add((reader.GetInt64(0), hash, input));
                if (batch.Count == BatchSize)
                {
                    await FlushAsync();
                }
            }
        }
        await FlushAsync();
        var report = new ClassificationReport(modelId, modelVersion, examined, classified, hcps, DateTime.UtcNow - started);
        if (classified > 0)
        {
            logger.LogInformation("Classified {Classified:N0} of {Examined:N0} persons ({Hcps:N0} HCPs) with HCP model v{Version} in {Seconds:0.0} s",
                classified, examined, hcps, modelVersion, report.Elapsed.TotalSeconds);
        }
        return report;
    }

    private const int BatchSize = 20_000;

    internal sealed record PersonInput(string Name, string Handle, string Bio)
    {
        /// <summary>FNV-1a over the three texts (stable across processes, unlike string.GetHashCode).</summary>
        public long Hash()
        {
            // The leading version changes when what a classification stores changes, so every person gets it once.
            var hash = 14695981039346656037UL;
            foreach (var text in new[] { "v2\u0001", Name, "\u0001", Handle, "\u0001", Bio })
            {
                foreach (var c in text)
                {
                    hash = (hash ^ c) * 1099511628211UL;
                }
            }
            return unchecked((long)hash);
        }
    }

    /// <summary>One row per person: id, name, handles, bios, classified_by_model, input hash, role_confirmed, profession, specialty.</summary>
    private static string PersonInputSql(string where) => $"""
        SELECT p.id,
               coalesce(p.display_name, (array_agg(a.name ORDER BY a.followers DESC NULLS LAST, a.id) FILTER (WHERE a.name IS NOT NULL))[1], ''),
               coalesce(string_agg(DISTINCT coalesce(a.handle, ''), ' '), ''),
               coalesce(string_agg(DISTINCT a.bio, ' | ') FILTER (WHERE a.bio <> ''), ''),
               p.classified_by_model, p.classification_input_hash, p.role_confirmed, p.profession, p.specialty
        FROM persons p
        JOIN accounts a ON a.person_id = p.id AND NOT a.is_stub
        {where}
        GROUP BY p.id
        """;

    private static PersonInput ReadInput(NpgsqlDataReader reader) => new(reader.GetString(1), reader.GetString(2), reader.GetString(3));

    private static async Task WriteAsync(NpgsqlConnection connection, List<(long Id, long Hash, PersonInput Input)> batch, IReadOnlyList<HcpPrediction> predictions, long modelId, int modelVersion, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE IF NOT EXISTS stage_classification (
                person_id bigint, profession text, specialty text, hcp_confidence double precision, evidence jsonb, input_hash bigint
            ) ON COMMIT DELETE ROWS
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY stage_classification (person_id, profession, specialty, hcp_confidence, evidence, input_hash) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var p = predictions[i];
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(batch[i].Id, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(p.Label, NpgsqlDbType.Text, cancellationToken);
                if (p.Specialty is null)
                {
                    await copy.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await copy.WriteAsync(p.Specialty, NpgsqlDbType.Text, cancellationToken);
                }
                await copy.WriteAsync(Math.Round(p.HcpProbability, 4), NpgsqlDbType.Double, cancellationToken);
                await copy.WriteAsync(JsonSerializer.Serialize(new
                {
                    label = p.Label,
                    confidence = Math.Round(p.Confidence, 4),
                    hcp_probability = Math.Round(p.HcpProbability, 4),
                    terms = p.Terms,
                    specialty_term = p.SpecialtyTerm,
                    uninformative = p.Uninformative,
                    model_version = modelVersion,
                }), NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync(batch[i].Hash, NpgsqlDbType.Bigint, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var update = new NpgsqlCommand("""
            UPDATE persons p SET profession = s.profession, specialty = s.specialty, hcp_confidence = s.hcp_confidence,
                classification_evidence = s.evidence, classified_by_model = @model, classification_input_hash = s.input_hash, updated_at = now()
            FROM stage_classification s WHERE p.id = s.person_id AND NOT p.role_confirmed
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("model", modelId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
