using System.Globalization;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Scoring.Patients;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Features.Patients;

/// <summary>A patient profile with a complete run, as the patient pages read it.</summary>
public sealed record PatientRun(string Profile, int ProfileId, int Version, long RunId, DateTime RunAt, ProfileDefinition Definition);

/// <summary>One patient influencer in a run.</summary>
public sealed record PatientRow(
    int Rank, long PersonId, string PublicId, string? Name, string Handles, string? Country, string[] Conditions, double Score, string Tier, double[] Signals, double[] Contributions)
{
    /// <summary>What they talk about, worded as published talk: "talks about breast cancer, lupus".</summary>
    public string TalksAbout => Conditions.Length == 0 ? "" : "talks about " + string.Join(", ", Conditions);
}

/// <summary>A page of a patient ranking.</summary>
public sealed record PatientPage(PatientRun Run, IReadOnlyList<PatientRow> Rows, long Total, int Page, IReadOnlyList<string> Countries);

/// <summary>A patient influencer's result and the evidence behind it.</summary>
public sealed record PatientDetail(PatientRun Run, PatientRow Row, long Population, JsonElement Evidence, IReadOnlyList<PatientPost> Posts, Data.Entities.PersonEngagement? Engagement);

/// <summary>A post the evidence names, as the page shows it.</summary>
public sealed record PatientPost(long Id, string Platform, string? Url, DateTime CreatedAt, string? Text, long Engagement);

/// <summary>
/// Reads patient influencer rankings (docs/patients.md): which patient profiles a user may see
/// (brand managers only those an admin made visible), pages of the latest complete run, one
/// person's evidence, and the CSV. Opted-out persons are never shown, whatever the run holds.
/// </summary>
public sealed class PatientQuery(NpgsqlDataSource dataSource)
{
    public const int PageSize = 50;

    /// <summary>The patient profiles with a complete run that <paramref name="brandManager"/> may see (all of them for analysts and admins).</summary>
    public async Task<IReadOnlyList<string>> ProfilesAsync(bool brandManager, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using var command = dataSource.CreateCommand($"""
            SELECT p.name,
                   (SELECT v.definition ->> 'visible_to_brand_managers' FROM scoring_profile_versions v WHERE v.profile_id = p.id ORDER BY v.version DESC LIMIT 1) = 'true'
            FROM scoring_profiles p
            WHERE p.kind = '{ProfileDefinition.PatientKind}' AND EXISTS (SELECT 1 FROM scoring_runs r WHERE r.profile_id = p.id AND r.status = '{RunStatuses.Complete}')
            ORDER BY p.active DESC, p.name
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!brandManager || (!reader.IsDBNull(1) && reader.GetBoolean(1)))
            {
                names.Add(reader.GetString(0));
            }
        }
        return names;
    }

    /// <summary>The latest complete run of the patient profile <paramref name="profile"/>, if <paramref name="brandManager"/> may see it.</summary>
    public async Task<PatientRun?> LatestRunAsync(string profile, bool brandManager, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT r.id, v.version, r.completed_at, p.id, v.definition::text,
                   (SELECT lv.definition ->> 'visible_to_brand_managers' FROM scoring_profile_versions lv WHERE lv.profile_id = p.id ORDER BY lv.version DESC LIMIT 1) = 'true'
            FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id JOIN scoring_profile_versions v ON v.id = r.profile_version_id
            WHERE p.name = @name AND p.kind = '{ProfileDefinition.PatientKind}' AND r.status = '{RunStatuses.Complete}' ORDER BY r.completed_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("name", profile);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || (brandManager && (reader.IsDBNull(5) || !reader.GetBoolean(5))))
        {
            return null;
        }
        return new PatientRun(profile, reader.GetInt32(3), reader.GetInt32(1), reader.GetInt64(0), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
            Web.Scoring.ScoringProfiles.Read(reader.GetString(4)));
    }

    private static readonly string Signals = string.Join(", ", PatientQuestions.All.Select(k => "s." + k));

    private const string RowColumns = """
        s.rank, s.person_id, n.public_id, n.display_name,
        coalesce((SELECT string_agg(a.handle, ' ' ORDER BY a.platform, a.handle) FROM accounts a WHERE a.person_id = s.person_id AND NOT a.is_stub), ''),
        s.country, s.conditions, s.score, s.tier
        """;

    private static PatientRow ReadRow(NpgsqlDataReader reader) => new(
        reader.GetInt32(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<string[]>(6), reader.GetDouble(7), reader.GetString(8),
        [.. Enumerable.Range(0, PatientQuestions.All.Count).Select(q => reader.GetDouble(9 + q))], reader.GetFieldValue<double[]>(9 + PatientQuestions.All.Count));

    /// <summary>A page of the run's ranking: a country, a tier and a name search narrow it; with <paramref name="personIds"/>, of those persons only.</summary>
    public async Task<PatientPage> PageAsync(PatientRun run, string? country, string? tier, string? search, int page, CancellationToken cancellationToken,
        IReadOnlyCollection<long>? personIds = null, int pageSize = PageSize)
    {
        var where = $"""
            s.run_id = @run AND s.person_id NOT IN ({OptOutSql.OptedOutPersons})
              AND (@country::text IS NULL OR s.country = @country) AND (@tier::text IS NULL OR s.tier = @tier)
              AND (@search::text IS NULL OR s.search_text LIKE '%' || @search || '%') AND (@ids::bigint[] IS NULL OR s.person_id = ANY(@ids))
            """;
        void Bind(NpgsqlCommand c)
        {
            c.Parameters.AddWithValue("run", run.RunId);
            c.Parameters.Add(new NpgsqlParameter("country", NpgsqlTypes.NpgsqlDbType.Text) { Value = string.IsNullOrWhiteSpace(country) ? DBNull.Value : country });
            c.Parameters.Add(new NpgsqlParameter("tier", NpgsqlTypes.NpgsqlDbType.Text) { Value = string.IsNullOrWhiteSpace(tier) ? DBNull.Value : tier });
            c.Parameters.Add(new NpgsqlParameter("search", NpgsqlTypes.NpgsqlDbType.Text)
            {
                Value = string.IsNullOrWhiteSpace(search) ? DBNull.Value : Like.Escape(search.Trim().ToLowerInvariant()),
            });
            c.Parameters.Add(new NpgsqlParameter("ids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint) { Value = personIds is null ? DBNull.Value : personIds.ToArray() });
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM patient_scores s WHERE {where}", connection))
        {
            Bind(count);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        var rows = new List<PatientRow>();
        await using (var command = new NpgsqlCommand($"""
            SELECT {RowColumns}, {Signals}, s.contributions FROM patient_scores s JOIN persons n ON n.id = s.person_id
            WHERE {where} ORDER BY s.rank OFFSET @offset LIMIT @limit
            """, connection))
        {
            Bind(command);
            command.Parameters.AddWithValue("offset", (long)(Math.Max(1, page) - 1) * pageSize);
            command.Parameters.AddWithValue("limit", pageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(ReadRow(reader));
            }
        }
        var countries = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT DISTINCT country FROM patient_scores WHERE run_id = @run AND country IS NOT NULL ORDER BY 1", connection))
        {
            command.Parameters.AddWithValue("run", run.RunId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                countries.Add(reader.GetString(0));
            }
        }
        return new PatientPage(run, rows, total, Math.Max(1, page), countries);
    }

    /// <summary>One person's row, evidence, the posts it names and their engagement suggestions; null when the run did not rank them (or they opted out).</summary>
    public async Task<PatientDetail?> PersonAsync(PatientRun run, long personId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        PatientRow row;
        string evidence;
        long population;
        await using (var command = new NpgsqlCommand($"""
            SELECT {RowColumns}, {Signals}, s.contributions, s.evidence::text, (SELECT count(*) FROM patient_scores x WHERE x.run_id = s.run_id)
            FROM patient_scores s JOIN persons n ON n.id = s.person_id
            WHERE s.run_id = @run AND s.person_id = @person AND s.person_id NOT IN ({OptOutSql.OptedOutPersons})
            """, connection))
        {
            command.Parameters.AddWithValue("run", run.RunId);
            command.Parameters.AddWithValue("person", personId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            row = ReadRow(reader);
            evidence = reader.GetString(10 + PatientQuestions.All.Count);
            population = reader.GetInt64(11 + PatientQuestions.All.Count);
        }
        using var document = JsonDocument.Parse(evidence);
        var root = document.RootElement.Clone();
        var ids = new HashSet<long>();
        if (root.TryGetProperty("posts", out var named))
        {
            foreach (var list in named.EnumerateObject())
            {
                foreach (var id in list.Value.EnumerateArray())
                {
                    ids.Add(id.GetInt64());
                }
            }
        }
        var posts = new List<PatientPost>();
        await using (var command = new NpgsqlCommand("""
            SELECT p.id, p.platform, p.external_id, a.handle, p.created_at, p.text, p.likes::bigint + p.replies + p.reposts + p.quotes
            FROM posts p JOIN accounts a ON a.id = p.account_id WHERE p.id = ANY(@ids) AND p.deleted_at IS NULL AND a.person_id = @person
            """, connection))
        {
            command.Parameters.AddWithValue("ids", ids.ToArray());
            command.Parameters.AddWithValue("person", personId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                posts.Add(new PatientPost(reader.GetInt64(0), reader.GetString(1), Profiles.PostLinks.Url(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
                    DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6)));
            }
        }
        var engagement = await Engagement.EngagementView.ReadAsync(connection, run.RunId, personId, cancellationToken);
        return new PatientDetail(run, row, population, root, posts, engagement);
    }

    /// <summary>
    /// Writes the run's rows (filtered like the page) as CSV: rank, person, what they talk about, the
    /// score, tier, the six signals and raw measures, and the engagement suggestions. Returns the rows written.
    /// </summary>
    public async Task<int> WriteCsvAsync(PatientRun run, string? country, string? tier, string? search, IReadOnlyCollection<long>? personIds, TextWriter writer,
        CancellationToken cancellationToken, int? top = null)
    {
        await using var csv = Infrastructure.Downloads.CsvWriter(writer);
        foreach (var header in new[] { "rank", "person_id", "display_name", "handles", "country", "talks_about", "score", "tier" }
            .Concat(PatientQuestions.All).Concat(["profile", "profile_version", "run_at", "suggested_channel", "best_times", "top_formats", "suggested_collaboration"]))
        {
            csv.WriteField(header);
        }
        await csv.EndRecordAsync(cancellationToken);
        var rows = 0;
        for (var page = 1; ; page++)
        {
            var result = await PageAsync(run, country, tier, search, page, cancellationToken, personIds, pageSize: 1000);
            var suggestions = await Engagement.EngagementView.ReadManyAsync(dataSource, run.RunId, [.. result.Rows.Select(r => r.PersonId)], cancellationToken);
            foreach (var row in result.Rows)
            {
                if (rows == top)
                {
                    break;
                }
                csv.WriteField(row.Rank);
                csv.WriteField(row.PublicId);
                csv.WriteField(Infrastructure.Downloads.CsvText(row.Name ?? ""));
                csv.WriteField(Infrastructure.Downloads.CsvText(row.Handles));
                csv.WriteField(row.Country ?? "");
                csv.WriteField(Infrastructure.Downloads.CsvText(string.Join("; ", row.Conditions)));
                csv.WriteField(row.Score.ToString("0.00", CultureInfo.InvariantCulture));
                csv.WriteField(row.Tier);
                foreach (var signal in row.Signals)
                {
                    csv.WriteField(signal.ToString("0.0000", CultureInfo.InvariantCulture));
                }
                csv.WriteField(Infrastructure.Downloads.CsvText(run.Profile));
                csv.WriteField(run.Version);
                csv.WriteField(run.RunAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                var s = suggestions.GetValueOrDefault(row.PersonId);
                csv.WriteField(s?.Channel ?? "");
                csv.WriteField(s?.BestTimes ?? "");
                csv.WriteField(s is null ? "" : string.Join(" ", s.TopFormats));
                csv.WriteField(s is null ? "" : string.Join(" ", s.Collaborations));
                await csv.EndRecordAsync(cancellationToken);
                rows++;
            }
            if (result.Rows.Count < 1000 || rows == top)
            {
                break;
            }
        }
        await csv.FlushAsync(cancellationToken);
        return rows;
    }

    /// <summary>Writes an export of patient rows to the audit log: who, which profile and run, how many rows, what was asked.</summary>
    public async Task AuditExportAsync(string? userId, string userName, PatientRun run, int rows, object request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AuditLog.WriteAsync(connection, null, userName, "export.patients.csv", run.Profile,
            new { kind = ProfileDefinition.PatientKind, run = run.RunId, version = run.Version, rows, request }, cancellationToken, userId);
    }
}
